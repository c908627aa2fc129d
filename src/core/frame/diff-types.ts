// Types only (no runtime, no Node API), so that the webviews' protocols can name them too: the
// result of a frame diff (diff.ts).

export type DiffSection = 'header' | 'field' | 'property';

export interface DiffRow {
  section: DiffSection;
  name: string;
  /** Values as the views show them; null when the side does not have the field. */
  a: string | null;
  b: string | null;
  same: boolean;
  /**
   * Only one side has the field, and the sides are of different kinds (a send and a stored message):
   * the field belongs to that kind (producerGroup to a send, storeHost to a stored message), so it is
   * not counted as a difference.
   */
  oneSided?: true;
  /** What a value means, when the frame model says (sysFlag bits, timestamps). */
  noteA?: string;
  noteB?: string;
}

export interface BodyLine { op: 'same' | 'removed' | 'added'; text: string }

export interface BodyDiff {
  same: boolean;
  /** text: both bodies are text (line diff); binary otherwise. */
  kind: 'text' | 'binary';
  lengthA: number;
  lengthB: number;
  /** First byte where they differ (or where the shorter ends); null when the same. */
  firstDifference: number | null;
  /** Text: the line diff (unchanged runs longer than 6 lines folded into one "… n lines" line), capped. */
  lines?: BodyLine[];
  /** Binary: a hex dump of each side from a little before the first difference. */
  hexA?: string;
  hexB?: string;
}

export interface FrameDiff {
  a: { title: string; kind: 'frame' | 'stored-message'; notes: string[] };
  b: { title: string; kind: 'frame' | 'stored-message'; notes: string[] };
  rows: DiffRow[];
  body: BodyDiff;
  /** Rows that differ, plus one when the bodies differ. */
  differences: number;
}

