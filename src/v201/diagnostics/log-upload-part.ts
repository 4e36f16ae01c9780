// Block N's log upload as a part (src/lib/parts.ts): a bundle built with parts replaces this
// module by the part's name and carries the upload behind its own code.
import { definePart } from '../../lib/parts';
import { openLogUpload } from './log-upload-flow';

export const logUploadPart201 = definePart('log-upload-201', openLogUpload);
