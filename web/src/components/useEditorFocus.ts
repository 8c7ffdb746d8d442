// An editor that opens takes the keyboard focus (its heading, so a screen reader reads where it is) and gives it
// back, when it closes, to the control that opened it.
import { useEffect, useRef } from 'react';

export function useEditorFocus<T extends HTMLElement>() {
  const target = useRef<T>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    target.current?.focus();
    target.current?.scrollIntoView({ block: 'nearest' });
    return () => {
      // The opener may have been re-rendered away; then the focus stays where the browser puts it.
      if (opener && document.contains(opener)) opener.focus();
    };
  }, []);
  return target;
}
