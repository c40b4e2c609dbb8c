/** A running corpus job: its progress bar, what it is doing, and Cancel. */
export function RunProgress(props: {
  fraction: number;
  message: string;
  onCancel: () => void;
  testId: string;
  cancelTestId: string;
  inline?: boolean;
}) {
  const body = (
    <>
      <progress max={1} value={props.fraction} /> <span>{props.message}</span>
      <button type="button" data-testid={props.cancelTestId} onClick={props.onCancel}>
        Cancel
      </button>
    </>
  );
  return props.inline ? (
    <span className="corpus-progress" data-testid={props.testId}>
      {body}
    </span>
  ) : (
    <div className="corpus-progress" data-testid={props.testId}>
      {body}
    </div>
  );
}
