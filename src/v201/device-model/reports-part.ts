// The device model's reports as a part (src/lib/parts.ts): a bundle built with parts replaces
// this module by the part's name and carries the reports behind its own code.
import { definePart } from '../../lib/parts';
import { openReports } from './reports';

export const reportsPart = definePart('reports-201', openReports);
