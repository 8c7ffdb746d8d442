import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n.ts';
import './styles.css';
import './layout.css';
import { App } from './App.tsx';
import { watchScrollBoxes } from './scroll-boxes.ts';

const root = document.getElementById('root')!;
watchScrollBoxes(root);
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
