// One broken view never blanks the app: each panel renders inside its own boundary.
import { Component, type ReactNode } from 'react';

interface Props {
  name: string;
  /** The grid area the panel occupies. */
  area: string;
  children: ReactNode;
}

export class PanelBoundary extends Component<Props, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  render() {
    const { name, area, children } = this.props;
    return (
      <div className={`area area-${area}`}>
        {this.state.error ? (
          <section className="panel panel-broken" role="alert">
            <h2>{name}</h2>
            <p>This view failed: {this.state.error.message}</p>
            <button type="button" onClick={() => this.setState({ error: null })}>
              Try again
            </button>
          </section>
        ) : (
          children
        )}
      </div>
    );
  }
}
