// A run directory's report files: report.json (report.ts) and report.png (report-image.ts).
import { join } from 'node:path';
import { writeReport, type TrainReport } from './report.js';

/** The run directory's report.json and report.png. */
export async function writeRunReport(out: string, report: TrainReport, extra?: string): Promise<void> {
  // Loaded here: the image needs sharp, which nothing else in a report does.
  const { writeReportImage } = await import('./report-image.js');
  await writeReport(join(out, 'report.json'), report);
  await writeReportImage(join(out, 'report.png'), report);
  if (extra) await writeReport(extra, report);
}
