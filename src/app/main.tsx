import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import defaultScenario from '../scenario/library/default.json?raw';
import { useLab } from '../store/lab.ts';
import { App } from './App.tsx';
import './app.css';

const root = document.getElementById('root');
if (root === null) throw new Error('ptlab: #root is missing from index.html');

void useLab.getState().load(defaultScenario, { cursor: 0 });

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
