// Start-up: render the lab, then open the workspace of the link (#w=...), else
// the one saved in this browser, else the default scenario; from then on keep
// the link in the address bar and the saved workspace in step with the lab.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import defaultScenario from '../scenario/library/default.json?raw';
import { useLab } from '../store/lab.ts';
import { App } from './App.tsx';
import { openAtStart, syncWorkspace } from './persist.ts';
import './app.css';

const root = document.getElementById('root');
if (root === null) throw new Error('ptlab: #root is missing from index.html');

// The fragment is read before anything can rewrite it.
const hash = location.hash;

void openAtStart(useLab, defaultScenario, hash)
  .then(({ embed }) => syncWorkspace(useLab, { embed }))
  .catch((e: unknown) => {
    useLab.setState({
      message: `internal error while opening the workspace: ${e instanceof Error ? e.message : String(e)}`,
    });
  });

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
