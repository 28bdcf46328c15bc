// Zod 4 compiles object parsers with `new Function` when it can; under the renderer's strict CSP
// (no 'unsafe-eval') its probe raises a CSP violation report. Turn the JIT off before any schema parses.
import { z } from 'zod';

z.config({ jitless: true });
