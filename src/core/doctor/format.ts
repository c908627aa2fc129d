/** The doctor's report as text (the CLI's `capture FILE --doctor`). */
import type { DoctorReport, Finding } from './capture-doctor';

const LABEL: Record<Finding['severity'], string> = { error: 'ERROR', warning: 'WARNING', info: 'INFO' };

function wrap(text: string, indent: string, width = 100): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (!word) continue;
    if (line && indent.length + line.length + 1 + word.length > width) { out.push(indent + line); line = word; }
    else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(indent + line);
  return out;
}

/** `file`: shown in the filter command of each finding (how to list its frames). */
export function formatDoctorReport(r: DoctorReport, file?: string): string {
  const L: string[] = [];
  const count = (s: Finding['severity']) => r.findings.filter((f) => f.severity === s).length;
  L.push(`Doctor: ${r.findings.length} finding(s) — ${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} note(s); ${r.frames.toLocaleString('en-US')} frames, ${r.framesRead.toLocaleString('en-US')} decoded for the rules, ${r.ms} ms${r.complete ? '' : ' (indexing still running: partial)'}`);
  if (r.findings.length === 0) L.push('No known failure found.');
  for (const f of r.findings) {
    L.push('');
    L.push(`${LABEL[f.severity]}  ${f.title}   [${f.id}]`);
    L.push(...wrap(`Cause: ${f.cause}`, '  '));
    L.push('  Evidence:');
    for (const fact of f.evidence.facts) L.push(...wrap(`- ${fact}`, '    '));
    if (f.evidence.filter) {
      const shown = f.evidence.framesTotal > f.evidence.frames.length ? ` (first ${f.evidence.frames.length} of ${f.evidence.framesTotal})` : '';
      const filter = f.evidence.filter.length > 300 ? `${f.evidence.filter.slice(0, 300).replace(/,[^,]*$/, '')},…` : f.evidence.filter;
      L.push(`    ${f.evidence.framesTotal} frame(s)${shown}: capture ${file ?? 'FILE'} --filter "${filter}"`);
    }
    if (f.evidence.conns.length) L.push(`    connection(s): ${f.evidence.conns.slice(0, 20).map((c) => `#${c}`).join(', ')}${f.evidence.conns.length > 20 ? ', …' : ''}`);
    L.push(...wrap(`Fix: ${f.fix}`, '  '));
  }
  return L.join('\n');
}
