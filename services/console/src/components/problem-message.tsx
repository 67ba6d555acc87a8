import type { ApiError } from '../api/api-error';
import { problemSentences } from '../format/problem-text';

/**
 * An API refusal in French, each problem once. Fields whose input shows
 * its own message (`shownBeside`) are not repeated here.
 */
export function ProblemMessage(props: {
  error: ApiError | null;
  shownBeside?: readonly string[];
}) {
  const { error } = props;
  if (!error) return null;
  const sentences = problemSentences(error, props.shownBeside);
  if (sentences.length === 0) return null;
  return (
    <div role="alert" className="problem">
      {sentences.length === 1 ? (
        <p>{sentences[0]}</p>
      ) : (
        <ul>
          {sentences.map((sentence) => (
            <li key={sentence}>{sentence}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
