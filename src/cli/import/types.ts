/** What one importer hands the catalog writer: the source's units, as JSON Schema, with where they came from. */

/** A JSON Schema node as it appears in a plan file (any draft). */
export type SchemaNode = Record<string, any>;

/** Where a schema lives: the file, the document its `$ref`s resolve against, and the node's JSON pointer in it. */
export interface SchemaAt {
  file: string;
  /** The document `#/...` references resolve against (the plan's rule, the Ampli file, the Iglu schema). */
  root: unknown;
  /** JSON pointer of the properties schema inside `root` ('' for the root itself). */
  pointer: string;
}

export type UnitKind = 'event' | 'person' | 'group' | 'context' | 'entity' | 'identities';

export interface ImportedUnit {
  kind: UnitKind;
  /** The wire name (catalog key) for events; the group type for groups; a label for the others. */
  name: string;
  description?: string;
  /** The source's version as written (Segment 2, Iglu "1-0-2", Ampli "1.0.0"). */
  sourceVersion?: string | number;
  /** The properties schema (an object schema); undefined for an event that declares no properties section. */
  schema?: SchemaAt;
  /** Set when the source says the event takes any properties although its schema is missing. */
  open?: boolean;
  /** JSON pointer (or path) of the unit in its file, for the report. */
  where?: string;
  /** The source file, when the unit has no schema. */
  file?: string;
}

/** A format: recognises its input and reads it into units. Problems go into the report. */
export interface PlanFormat {
  name: FormatName;
  /** Whether this format reads the given parsed files (a single file, or every file of a folder). */
  detect(files: PlanFile[]): boolean;
  read(files: PlanFile[], report: import('./report').ImportReport): ImportedUnit[];
}

export type FormatName = 'segment' | 'rudderstack' | 'iglu' | 'ampli' | 'mparticle' | 'jsonschema';

/** One input file: its path as given (relative to the command's input) and its parsed content. */
export interface PlanFile {
  path: string;
  /** JSON or YAML content; undefined when the file could not be parsed (`error` says why). */
  data: unknown;
  error?: string;
}
