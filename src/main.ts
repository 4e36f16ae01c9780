// Firmware entry: the host has provided `ocppHost` (hal/host-abi.ts) and evaluates this
// bundle once per boot. Read the settings through the HAL and start the station.
import { createHal } from '../hal/index';

const hal = createHal(ocppHost);
hal.log.info('boot: ' + hal.settings.vendor + ' ' + hal.settings.model + ' ' + hal.settings.firmwareVersion + ' on host ' + hal.hostName + ', IMEI ' + hal.imei());
hal.log.info('station ' + (hal.settings.id || '(no id)') + ', ' + hal.settings.connectors + ' connector(s), CSMS ' + (hal.settings.url || '(none)'));
