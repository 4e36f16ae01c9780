// OCPPCommCtrlr.FileTransferProtocols, which blocks L (firmware/) and N (diagnostics/) both
// register: what firmware downloads and log uploads may use (the hosts': HTTP and HTTPS).
import { VariableSpec } from './device-model/model';

export const FILE_TRANSFER_PROTOCOLS: VariableSpec = { name: 'FileTransferProtocols', type: 'MemberList', value: 'HTTP,HTTPS', values: 'FTP,FTPS,HTTP,HTTPS,SFTP', constant: true };
