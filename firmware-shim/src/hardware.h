/*
 * The charger's IO: the optional host-ABI members hardwareInfo, hardwareInputs, hardwareMeter,
 * hardwareWrite and hardwareListen (hal/host-abi.ts), which give the flashed firmware its
 * connectors. hal/host-hardware.ts adapts them to the station's hal/hardware.ts.
 *
 *   hardware.c   the ABI functions: arguments, the output's JSON read into one typed write,
 *                the answers as JSON; the listener is kept by host.c (host_hardware_listen)
 *   the port     where the IO really is: port/posix/hardware.c (a folder of state files a
 *                Linux charger's IO daemon or a test keeps, `ocpp-host --hardware DIR`),
 *                port/quectel/hardware.c (the module's GPIO / ADC / UART, board_* functions
 *                the charger maker fills in)
 *
 * A port has all five members or none: the host installs them only when
 * port_hardware_present() says so, and without them the firmware runs the OCPP side with
 * connectors that have no IO (and logs why).
 */
#ifndef OCPP_HARDWARE_H
#define OCPP_HARDWARE_H

#include <stdbool.h>
#include <stddef.h>

#include "quickjs.h"

/* Connector ids the host accepts (1..this); the ABI's connectorId outside it reads nothing. */
#define HARDWARE_MAX_CONNECTORS 32

/* One output of hardwareWrite: {"relay": bool}, {"lock": bool}, {"currentLimitA": n}. */
typedef enum { HARDWARE_RELAY, HARDWARE_LOCK, HARDWARE_CURRENT_LIMIT } hardware_output;

/* ---- the port ------------------------------------------------------------------------- */

/* Has this port the charger's IO now (POSIX: --hardware given)? Asked at each boot. */
bool port_hardware_present(void);
/* The ABI's texts, malloc'd: hardwareInfo(), hardwareInputs(connector), hardwareMeter(connector).
 * They are handed to the bundle as they are, so a port may pass its backend's text through:
 * a text that is not the JSON the ABI describes is a reading the bundle ignores (it keeps the
 * last good one, and logs it). NULL: nothing could be read (the bundle gets ""). */
char *port_hardware_info(void);
char *port_hardware_inputs(int connector);
char *port_hardware_meter(int connector);
/* Sets one output: `value` is 0 / 1 for the relay (closed) and the lock (locked), amperes for
 * the current limit. 0 done; -1 with why in `error` (the bundle logs it; a lock that did not
 * move is ConnectorLockFailure). */
int port_hardware_write(int connector, hardware_output output, double value, char *error, size_t error_size);

/* ---- host.c ----------------------------------------------------------------------------- */

/* hardwareListen: keeps the bundle's onchange (the last one given), freed with the runtime. */
void host_hardware_listen(JSContext *ctx, JSValueConst onchange);
/* From the port's event loop: an input of `connector` changed. The bundle's onchange(connector)
 * runs now, or on the next turn when the guest is running; nothing without a listener. */
void host_hardware_changed(int connector);

/* hardware.c: adds the five members to a new runtime's `ocppHost` when the port has IO. */
void hardware_install(JSContext *ctx, JSValueConst host);

#endif
