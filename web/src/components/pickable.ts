// Props that make a table row (or any element) work like a button: reached with Tab, picked with Enter or Space.
import type { KeyboardEvent } from 'react';

export function pickable(onPick: () => void, hint?: string) {
  return {
    tabIndex: 0,
    onClick: onPick,
    onKeyDown: (e: KeyboardEvent) => {
      if (e.target !== e.currentTarget) return;
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onPick();
      }
    },
    title: hint,
  };
}
