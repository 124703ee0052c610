// `npm run schema`: print the JSON Schema (draft 2020-12) of scenario format v1 to stdout.
import { scenarioJsonSchema } from '../scenario/schema.ts';

process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
