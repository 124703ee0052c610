import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import defaultScenario from '../scenario/library/default.json?raw';
import { useRunStore } from '../store/run.ts';
import { App } from './App.tsx';
import './app.css';

const root = document.getElementById('root');
if (root === null) throw new Error('ptlab: #root is missing from index.html');

useRunStore.getState().setText(defaultScenario);

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
