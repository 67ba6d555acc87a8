import type { ApiError } from '../api/api-error';

/**
 * An API refusal in words: the problem's title and each bad field. The
 * API's texts are English; the field names point at the input concerned.
 */
export function ProblemMessage(props: { error: ApiError | null }) {
  const { error } = props;
  if (!error) return null;
  return (
    <div role="alert" className="problem">
      <p>{frenchTitle(error.status) ?? error.title}</p>
      {error.fields.length > 0 && (
        <ul>
          {error.fields.map((field) => (
            <li key={field.path}>
              <code>{field.path}</code> : {field.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function frenchTitle(status: number): string | undefined {
  if (status === 0) return 'Le serveur ne répond pas : réessayez.';
  if (status === 403) return 'Votre clé ne permet pas cette action.';
  if (status === 429) return 'Trop de demandes : patientez quelques secondes.';
  return undefined;
}
