// The GetDiagnostics upload as a part (src/lib/parts.ts): a bundle built with parts replaces this
// module by the part's name and carries the flow behind its own code.
import { definePart } from '../../lib/parts';
import { DiagnosticsFlow, DiagnosticsContext } from './diagnostics-flow';

export const diagnosticsPart = definePart('diagnostics', (context: DiagnosticsContext) => new DiagnosticsFlow(context));
