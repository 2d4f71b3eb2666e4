/** Column alignment of a markdown table. */
export type ColumnAlignment = 'left' | 'right';

/** A markdown table: one header row, string cells, optional alignment per column (default left). */
export interface MarkdownTable {
  headers: readonly string[];
  rows: readonly (readonly string[])[];
  align?: readonly ColumnAlignment[];
}

/**
 * Renders `table` as a GitHub-flavoured markdown table with padded columns.
 * @throws {RangeError} when a row does not have one cell per header.
 */
export function formatTable(table: MarkdownTable): string {
  const { headers, rows } = table;
  for (const row of rows) {
    if (row.length !== headers.length) {
      throw new RangeError(`table.rows must have ${headers.length} cells each, got ${row.length}`);
    }
  }
  const widths = headers.map((header, column) =>
    Math.max(3, header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const alignmentOf = (column: number): ColumnAlignment => table.align?.[column] ?? 'left';
  const pad = (cell: string, column: number): string => {
    const width = widths[column] ?? cell.length;
    return alignmentOf(column) === 'right' ? cell.padStart(width) : cell.padEnd(width);
  };
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => pad(cell, column)).join(' | ')} |`;
  const separator = widths.map((width, column) =>
    alignmentOf(column) === 'right' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width),
  );
  return [line(headers), `| ${separator.join(' | ')} |`, ...rows.map(line)].join('\n');
}
