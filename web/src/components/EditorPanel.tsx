// A panel that edits something: it takes the focus when it opens and gives it back when it closes.
import type { ReactNode } from 'react';
import { useEditorFocus } from './useEditorFocus.ts';

export function EditorPanel({
  title,
  className = 'card form-grid',
  testId,
  children,
}: {
  title: ReactNode;
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  const heading = useEditorFocus<HTMLHeadingElement>();
  return (
    <div className={className} style={{ marginTop: 16 }} data-testid={testId}>
      <h3 style={{ gridColumn: '1 / -1' }} ref={heading} tabIndex={-1}>
        {title}
      </h3>
      {children}
    </div>
  );
}
