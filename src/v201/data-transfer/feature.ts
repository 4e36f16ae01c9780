// Block P, DataTransfer, as a station feature: UnknownVendorId until an entry of one's own registers a vendor.
import { StationFeature201 } from '../feature';
import { installDataTransfer } from './data-transfer';

export const dataTransferFeature: StationFeature201 = {
  name: 'data-transfer',
  install: (station) => {
    installDataTransfer(station);
  },
};
