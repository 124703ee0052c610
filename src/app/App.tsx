import { Fragment, useEffect, useMemo } from 'react';
import { type RunStatus, useRunStore } from '../store/run.ts';
import { describeScenario } from './describe.ts';

/** JSON text with a line-break opportunity after each comma (display only; data-result keeps the exact text). */
function BreakableJson({ json }: { json: string }) {
  const parts = json.split(',');
  return (
    <code>
      {parts.map((part, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed positional pieces of one string
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && (
            <>
              ,<wbr />
            </>
          )}
        </Fragment>
      ))}
    </code>
  );
}

function statusText(status: RunStatus): string {
  switch (status.kind) {
    case 'idle':
      return 'idle';
    case 'running':
      return 'running in worker…';
    case 'done':
      return 'done';
    case 'error':
      return status.message;
  }
}

export function App() {
  const text = useRunStore((s) => s.text);
  const status = useRunStore((s) => s.status);
  const doc = useRunStore((s) => s.doc);
  const run = useRunStore((s) => s.run);

  useEffect(() => {
    if (text !== '') void run();
  }, [text, run]);

  const scenario = useMemo(() => describeScenario(text), [text]);
  const results = doc?.results ?? [];

  return (
    <div className="page">
      <header>
        <h1>ptlab</h1>
        <p className="tagline">
          A simulated Linux kernel that replays, step by step, how a driver maps kernel memory into a user process and
          what page faults do.
        </p>
      </header>

      <main>
        <section aria-labelledby="scenario-title">
          <h2 id="scenario-title">{scenario?.title ?? 'Untitled scenario'}</h2>
          <p className="meta">
            <span className={`status status-${status.kind}`} data-testid="status" data-status={status.kind}>
              {statusText(status)}
            </span>
            {doc !== null && (
              <span className="kernel" data-testid="kernel">
                kernel {doc.kernel}
              </span>
            )}
          </p>

          {scenario !== null && (
            <table data-testid="results">
              <thead>
                <tr>
                  <th scope="col" className="col-index">
                    #
                  </th>
                  <th scope="col">step</th>
                  <th scope="col">result</th>
                </tr>
              </thead>
              <tbody>
                {scenario.steps.map((step, i) => {
                  const result = results[i];
                  const json = result === undefined ? null : JSON.stringify(result);
                  return (
                    // biome-ignore lint/suspicious/noArrayIndexKey: steps are positional; the index is their identity
                    <tr key={i} data-step={i}>
                      <td className="col-index">{i}</td>
                      <td className="col-step">
                        <code>
                          <span className="op">{step.op}</span> {step.fields}
                        </code>
                        {step.driver !== null && <code className="driver">{step.driver}</code>}
                      </td>
                      {json === null ? (
                        <td className="col-result pending">—</td>
                      ) : (
                        <td className="col-result" data-result={json}>
                          <BreakableJson json={json} />
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>
      </main>
    </div>
  );
}
