/**
 * The mission form's wire protocol, shared by the host (src/vscode/missionForm) and the page
 * (media/missionForm.ts). The form itself is generated on the host from the mission zod schema
 * and sent as `FormField`s; the page sends back raw values (strings, nested by the schema's
 * keys), which the host turns into a mission, validates with the CLI's own loader and saves.
 * Page → host messages are zod schemas; the host drops (and logs) anything else.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Page → host
// ---------------------------------------------------------------------------------------------

export const MAX_VALUE_CHARS = 20_000;
const MAX_ROWS = 100;

/** Keys are schema property names; anything else (`__proto__`, `a.b`) is refused at the boundary. */
const FieldKey = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'not a field key');
const Leaf = z.string().max(MAX_VALUE_CHARS);
const FlatValues = z.record(FieldKey, Leaf);

/**
 * Raw form values: a string per field (lists of globs are one glob per line), a map of
 * strings per group (intent owner, budget …) and a list of such maps per repeatable row
 * (supervisors).
 */
export const FormValues = z.record(FieldKey, z.union([Leaf, FlatValues, z.array(FlatValues).max(MAX_ROWS)]));
export type FormValues = z.infer<typeof FormValues>;
export type FormValue = FormValues[string];

export const MissionFormPageMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  /** Values changed (the page debounces): the host answers with `validation`. */
  z.strictObject({ type: z.literal('change'), seq: z.number().int().nonnegative(), values: FormValues }),
  z.strictObject({ type: z.literal('regenerateId') }),
  z.strictObject({ type: z.literal('save'), values: FormValues }),
  /** Start a supervised session with the mission this form last saved (the host knows which file). */
  z.strictObject({ type: z.literal('startSession') }),
  /** Open the saved YAML in an editor. */
  z.strictObject({ type: z.literal('openFile') }),
]);
export type MissionFormPageMessage = z.infer<typeof MissionFormPageMessage>;

// ---------------------------------------------------------------------------------------------
// Host → page
// ---------------------------------------------------------------------------------------------

interface FieldBase {
  /** Property name in the mission. */
  key: string;
  /** Key path, e.g. `intentOwner.email`; rows use `supervisors[0].email` in problems. */
  path: string;
  label: string;
  /** The rest of the schema's `.describe()` text after `Label:`. */
  help?: string;
  required: boolean;
}

export type FormField =
  | FieldBase & { kind: 'text'; format?: 'email' | 'id' | 'date-time'; multiline?: boolean; minLength?: number; maxLength?: number }
  | FieldBase & { kind: 'number'; integer: boolean }
  | FieldBase & { kind: 'select'; options: string[] }
  /** A list of strings, edited one per line. */
  | FieldBase & { kind: 'lines' }
  /** A fixed group of fields (intent owner, budget …). */
  | FieldBase & { kind: 'group'; fields: FormField[] }
  /** Repeatable rows of fields (supervisors). */
  | FieldBase & { kind: 'rows'; fields: FormField[]; minItems: number }
  /** A value the schema fixes (`version: 1`): not shown, always written. */
  | FieldBase & { kind: 'const'; value: string | number | boolean };

export interface Problem {
  /** Key path as the CLI prints it (`supervisors[0].email`), empty for the document. */
  path: string;
  message: string;
  /** Line in the YAML preview. */
  line?: number;
}

export interface FormSnapshot {
  fields: FormField[];
  values: FormValues;
  /** The file this form was loaded from or last saved to. */
  file?: string;
  /** Relative path shown to the user. */
  fileLabel?: string;
  /** Problems of the file as loaded ("Edit in form" on an invalid file), including what the form could not hold. */
  fileProblems?: Problem[];
}

export type MissionFormHostMessage =
  | { type: 'init'; form: FormSnapshot }
  | { type: 'validation'; seq: number; yaml: string; problems: Problem[]; notes: Problem[] }
  | { type: 'id'; id: string }
  | { type: 'saved'; file: string; fileLabel: string }
  | { type: 'saveFailed'; problems: Problem[]; message: string };
