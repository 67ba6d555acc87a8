/** A labelled progress bar whose value screen readers announce. */
export function ProgressBar(props: { label: string; percent: number }) {
  return (
    <div className="progress">
      <div
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={props.percent}
        className="progress-track"
      >
        <div className="progress-fill" style={{ width: `${props.percent}%` }} />
      </div>
      <span className="progress-text">{props.percent} %</span>
    </div>
  );
}
