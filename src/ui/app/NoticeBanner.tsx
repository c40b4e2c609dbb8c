import { useNoticeStore, type Notice } from './noticeStore';

/** Errors and warnings, newest last; each can be dismissed. Messages are plain text. */
export function NoticeBanner() {
  const notices = useNoticeStore((s) => s.notices);
  const dismiss = useNoticeStore((s) => s.dismiss);
  const errors = notices.filter((n) => n.kind === 'error');
  const warnings = notices.filter((n) => n.kind === 'warning');
  return (
    <>
      {errors.length > 0 && <NoticeList kind="error" testId="error-banner" notices={errors} onDismiss={dismiss} />}
      {warnings.length > 0 && (
        <NoticeList kind="warning" testId="warning-banner" notices={warnings} onDismiss={dismiss} />
      )}
    </>
  );
}

function NoticeList(props: { kind: Notice['kind']; testId: string; notices: Notice[]; onDismiss(id: number): void }) {
  return (
    <div
      className={`notice notice-${props.kind}`}
      data-testid={props.testId}
      role={props.kind === 'error' ? 'alert' : 'status'}
    >
      {props.notices.map((n) => (
        <div className="notice-row" key={n.id}>
          <span className="notice-icon" aria-hidden="true">
            {props.kind === 'error' ? '!' : 'i'}
          </span>
          <p className="notice-text">
            <strong>{props.kind === 'error' ? `${n.context} failed.` : `${n.context}:`}</strong> {n.message}
          </p>
          <button type="button" className="notice-dismiss" onClick={() => props.onDismiss(n.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
