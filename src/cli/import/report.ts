/** The import report: what was imported, what was mapped with a loss (and why), what was refused. */

export interface ReportEntry {
  kind: 'imported' | 'loss' | 'refused' | 'note';
  file: string;
  /** The event (wire name) or unit the entry is about. */
  unit?: string;
  /** JSON pointer, or the JSON Schema keyword, the entry is about. */
  where?: string;
  message: string;
}

export class ImportReport {
  readonly entries: ReportEntry[] = [];

  imported(file: string, unit: string, message = 'imported'): void {
    this.entries.push({ kind: 'imported', file, unit, message });
  }
  loss(file: string, unit: string | undefined, where: string | undefined, message: string): void {
    this.entries.push({ kind: 'loss', file, unit, where, message });
  }
  refused(file: string, unit: string | undefined, where: string | undefined, message: string): void {
    this.entries.push({ kind: 'refused', file, unit, where, message });
  }
  note(file: string, unit: string | undefined, message: string): void {
    this.entries.push({ kind: 'note', file, unit, message });
  }

  count(kind: ReportEntry['kind']): number {
    return this.entries.filter((e) => e.kind === kind).length;
  }

  /** 0 when everything was imported faithfully, 1 when something was lost or refused. */
  get exitCode(): 0 | 1 {
    return this.entries.some((e) => e.kind === 'loss' || e.kind === 'refused') ? 1 : 0;
  }

  format(): string {
    const line = (e: ReportEntry) => `  ${e.file}${e.unit !== undefined ? ` [${e.unit}]` : ''}${e.where ? ` ${e.where}` : ''}: ${e.message}`;
    const section = (kind: ReportEntry['kind'], title: string) => {
      const entries = this.entries.filter((e) => e.kind === kind);
      return entries.length ? [`${title} (${entries.length}):`, ...entries.map(line)] : [];
    };
    return [
      ...section('imported', 'imported'),
      ...section('loss', 'mapped with a loss'),
      ...section('refused', 'refused'),
      ...section('note', 'notes'),
      `${this.count('imported')} imported, ${this.count('loss')} mapped with a loss, ${this.count('refused')} refused`,
    ].join('\n');
  }
}
