import { useDocumentStore } from './documentStore';

const STOP_REASONS: Record<string, string> = {
  max_tokens: 'reached max tokens',
  stop_token: 'end-of-sequence token',
  stop_string: 'stop string',
  aborted: 'stopped',
  context_full: 'context window full',
};

/** Shows control characters visibly inside a token chip's tooltip (the text itself stays as generated). */
function visible(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/**
 * The prompt followed by the streamed tokens. Everything is rendered as React text nodes
 * (never innerHTML), so model output can't inject markup.
 */
export function TokenStream() {
  const tokens = useDocumentStore((s) => s.tokens);
  const from = useDocumentStore((s) => s.generatedFrom);
  const generating = useDocumentStore((s) => s.generating);
  const last = useDocumentStore((s) => s.last);
  const empty = !generating && tokens.length === 0 && last === null;

  return (
    <div className="output">
      <div className="output-head">
        <h3 className="output-title">Output</h3>
        <span className="output-status" data-testid="generation-status" aria-live="polite">
          {generating
            ? `Generating… ${tokens.length} token${tokens.length === 1 ? '' : 's'}`
            : last
              ? `${last.count} token${last.count === 1 ? '' : 's'} · ${last.tokensPerSecond.toFixed(1)} tok/s · ${STOP_REASONS[last.stopReason] ?? last.stopReason}`
              : ''}
        </span>
      </div>
      <div className="output-body" data-testid="token-stream" aria-busy={generating}>
        {empty ? (
          <p className="output-empty">Generated text appears here, token by token.</p>
        ) : (
          <p className="output-text">
            <span className="output-prompt">{from}</span>
            <span data-testid="generated-text">
              {tokens.map((t) => (
                <span key={t.index} className="token" title={`#${t.index} · id ${t.tokenId} · "${visible(t.text)}"`}>
                  {t.text}
                </span>
              ))}
            </span>
            {generating && <span className="caret" aria-hidden="true" />}
          </p>
        )}
      </div>
    </div>
  );
}
