// Compiled with `tsc --noEmit` by npm test: the package's declarations must type real usage
// without `any`. A wrong field name or type here fails the build.
import { convertFile, convertBytes, Converter, type ConvertOptions, type OutputFile, type Summary } from '../../host/index.js';

const options: ConvertOptions = { batchSize: 500, features: ['mfa', 'account_linking'], unsupportedHash: 'defer' };
const result = await convertFile('export.csv', { ...options, out: 'out', onProgress: (p) => p.totalBytes + p.records });
const converted: number = result.summary.converted;
const secret: boolean = result.files[0].secret;

const { summary, files } = convertBytes('id\n', { batchSize: 10 });
const s: Summary = summary;
const text: string | undefined = files['report.json'];

const c = new Converter(options);
const pieces: OutputFile[] = c.push(new Uint8Array([1, 2]));
const names: string[] = pieces.map((p) => p.name);
const records: number = c.progress().records;
const bytes: Uint8Array[] = c.pushBytes(new Uint8Array([1, 2])).map((p) => p.bytes);
void [converted, secret, s, text, names, records, bytes, c.finish()];
