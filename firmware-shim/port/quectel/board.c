/*
 * The reference wiring of board.h: a one-connector AC charger (IEC 61851 mode 3) on the
 * module's own IO. Every pin, threshold and register below is an example to replace with
 * your board's. Untested without hardware: all of it (the notes say what to check).
 */
#include "board.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ql_adc.h"
#include "ql_api_osi.h"
#include "ql_gpio.h"
#include "ql_pwm.h"
#include "ql_uart.h"

/* ---- the wiring (replace with your board's) -------------------------------------------- */

#define PIN_RELAY GPIO_0         /* output: high closes the contactor */
#define PIN_LOCK GPIO_1          /* output: high drives the lock motor to locked */
#define PIN_LOCK_FEEDBACK GPIO_2 /* input: high when the lock is engaged */
#define PIN_RCD_TRIP GPIO_3      /* input: low when the residual-current device tripped */
#define CP_ADC QL_ADC0_CHANNEL   /* the control pilot's high level, through the board's divider */
/* The pilot's high level as the ADC sees it, mV, for pilot states A (12 V, nothing plugged),
 * B (9 V, EV connected), C (6 V, EV charging), D (3 V, ventilation): the thresholds between
 * them for a divider that maps +12 V to 3000 mV. Check with your divider. */
#define CP_AB_MV 2625
#define CP_BC_MV 1875
#define CP_CD_MV 1125
#define CP_DE_MV 375 /* below: state E/F (pilot shorted, or the EV signals an error) */
/* The pilot's 1 kHz PWM on the PWT output: ql_pwm_pwt_enable's period and divider give
 * 1 kHz from the chip's clock (check the SDK's SysFreq), duty in 0..1023. */
#define CP_PWM_DIVIDER 25
#define CP_PWM_PERIOD 1000
#define CP_PWM_DUTY_FULL 1023
#define LOCK_SETTLE_MS 500 /* how long the motor may take before the feedback must agree */
/* A Modbus RTU meter on UART 2, 9600 8N1, slave address 1, read with function 0x04 (input
 * registers, IEEE 754 floats, high word first): the register map of an Eastron SDM630-like
 * meter. Yours: its address, registers and format. */
#define METER_UART QL_UART_PORT_2
#define METER_SLAVE 1
#define METER_REG_VOLTAGE 0x0000    /* V, phase 1 */
#define METER_REG_CURRENT 0x0006    /* A, phase 1 */
#define METER_REG_POWER 0x0034      /* W, total */
#define METER_REG_ENERGY 0x0156     /* kWh, total active import */
#define METER_ANSWER_MS 200         /* how long the meter has to answer */
#define METER_PHASES 3

static struct {
    bool relay, lock;
    uint32_t lock_changed_ms; /* when the lock was last driven */
} B;

int board_start(board_connector connectors[BOARD_MAX_CONNECTORS])
{
    ql_gpio_init(PIN_RELAY, GPIO_OUTPUT, PULL_NONE, LVL_LOW);
    ql_gpio_init(PIN_LOCK, GPIO_OUTPUT, PULL_NONE, LVL_LOW);
    ql_gpio_init(PIN_LOCK_FEEDBACK, GPIO_INPUT, PULL_DOWN, LVL_LOW);
    ql_gpio_init(PIN_RCD_TRIP, GPIO_INPUT, PULL_UP, LVL_HIGH);
    ql_pwm_open(PWM_PWT);
    ql_uart_config_s uart = { .baudrate = QL_UART_BAUD_9600, .data_bit = QL_UART_DATABIT_8, .stop_bit = QL_UART_STOP_1,
                              .parity_bit = QL_UART_PARITY_NONE, .flow_ctrl = QL_FC_NONE };
    ql_uart_set_dcbconfig(METER_UART, &uart);
    ql_uart_open(METER_UART);
    connectors[0] = (board_connector){ .max_current_a = 32, .cable_lock = true };
    return 1;
}

/* ---- inputs ----------------------------------------------------------------------------- */

void board_read_inputs(int connector, board_inputs *out)
{
    memset(out, 0, sizeof *out);
    out->error = "NoError";
    int mv = 0;
    if (ql_adc_get_volt(CP_ADC, &mv) != QL_ADC_SUCCESS) {
        out->error = "EVCommunicationError";
        snprintf(out->vendor_error_code, sizeof out->vendor_error_code, "CP-ADC");
        return;
    }
    out->plugged = mv < CP_AB_MV && mv >= CP_DE_MV;
    out->ev_requests_energy = mv < CP_BC_MV && mv >= CP_DE_MV;
    if (mv < CP_DE_MV) {
        out->error = "EVCommunicationError";
        snprintf(out->vendor_error_code, sizeof out->vendor_error_code, "CP-E/F %d mV", mv);
    }
    (void)CP_CD_MV; /* state D (ventilation asked): charged as C here; a charger without ventilation refuses it */
    ql_LvlMode level = LVL_HIGH;
    if (ql_gpio_get_level(PIN_RCD_TRIP, &level) == QL_GPIO_SUCCESS && level == LVL_LOW) {
        out->error = "GroundFailure";
        snprintf(out->vendor_error_code, sizeof out->vendor_error_code, "RCD");
    }
    /* The lock's feedback must follow its drive within LOCK_SETTLE_MS. */
    ql_LvlMode engaged = LVL_LOW;
    if (ql_gpio_get_level(PIN_LOCK_FEEDBACK, &engaged) == QL_GPIO_SUCCESS && (engaged == LVL_HIGH) != B.lock &&
        (uint32_t)(ql_rtos_up_time_ms() - B.lock_changed_ms) > LOCK_SETTLE_MS) {
        out->error = "ConnectorLockFailure";
        snprintf(out->vendor_error_code, sizeof out->vendor_error_code, "LOCK-%s", B.lock ? "OPEN" : "STUCK");
    }
    /* An RFID reader goes here: the card in its field as out->id_tag (at most 20
     * characters, e.g. the UID in hex), "" when none. This board has none. */
}

/* ---- the meter: Modbus RTU ------------------------------------------------------------- */

static uint16_t crc16(const unsigned char *p, size_t n)
{
    uint16_t crc = 0xFFFF;
    while (n--) {
        crc ^= *p++;
        for (int i = 0; i < 8; i++)
            crc = crc & 1 ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
    }
    return crc;
}

/* One float32 input register pair; 0, or -1 when the meter did not answer well. */
static int read_float(uint16_t reg, double *out)
{
    unsigned char request[8] = { METER_SLAVE, 0x04, (unsigned char)(reg >> 8), (unsigned char)reg, 0, 2 };
    uint16_t crc = crc16(request, 6);
    request[6] = (unsigned char)crc;
    request[7] = (unsigned char)(crc >> 8);
    unsigned char answer[9];
    while (ql_uart_read_aviable(METER_UART) > 0 && ql_uart_read(METER_UART, answer, sizeof answer) > 0) {
        /* a late answer to an earlier request: dropped */
    }
    if (ql_uart_write(METER_UART, request, sizeof request) != (int)sizeof request)
        return -1;
    size_t got = 0;
    for (int waited = 0; got < sizeof answer && waited < METER_ANSWER_MS; waited += 10) {
        ql_rtos_task_sleep_ms(10);
        int n = ql_uart_read(METER_UART, answer + got, (unsigned)(sizeof answer - got));
        if (n > 0)
            got += (size_t)n;
    }
    crc = crc16(answer, 7);
    if (got != sizeof answer || answer[0] != METER_SLAVE || answer[1] != 0x04 || answer[2] != 4 ||
        answer[7] != (unsigned char)crc || answer[8] != (unsigned char)(crc >> 8))
        return -1;
    uint32_t bits = (uint32_t)answer[3] << 24 | (uint32_t)answer[4] << 16 | (uint32_t)answer[5] << 8 | answer[6];
    float value;
    memcpy(&value, &bits, sizeof value);
    *out = value;
    return 0;
}

int board_read_meter(int connector, board_meter *out)
{
    double kwh = 0;
    if (read_float(METER_REG_ENERGY, &kwh) != 0 || read_float(METER_REG_POWER, &out->power_w) != 0 ||
        read_float(METER_REG_CURRENT, &out->current_a) != 0 || read_float(METER_REG_VOLTAGE, &out->voltage_v) != 0)
        return -1;
    out->energy_wh = kwh * 1000.0;
    out->phases = METER_PHASES;
    out->soc_percent = -1;
    return 0;
}

/* ---- outputs ---------------------------------------------------------------------------- */

int board_set_relay(int connector, bool closed, char *error, size_t error_size)
{
    if (ql_gpio_set_level(PIN_RELAY, closed ? LVL_HIGH : LVL_LOW) != QL_GPIO_SUCCESS) {
        snprintf(error, error_size, "the relay output did not switch");
        return -1;
    }
    B.relay = closed;
    return 0;
}

int board_set_lock(int connector, bool locked, char *error, size_t error_size)
{
    if (ql_gpio_set_level(PIN_LOCK, locked ? LVL_HIGH : LVL_LOW) != QL_GPIO_SUCCESS) {
        snprintf(error, error_size, "the lock output did not switch");
        return -1;
    }
    if (B.lock != locked)
        B.lock_changed_ms = (uint32_t)ql_rtos_up_time_ms();
    B.lock = locked;
    return 0;
}

/* IEC 61851-1 annex A: from 6 to 51 A the duty cycle is amps / 0.6 percent; below 6 A
 * the pilot stays at +12 V without PWM (no energy may be drawn). */
int board_set_current_limit(int connector, double amps, char *error, size_t error_size)
{
    if (amps < 6) {
        ql_pwm_disable(PWM_PWT);
        return 0;
    }
    double percent = (amps > 51 ? 51 : amps) / 0.6;
    uint32_t duty = (uint32_t)(percent / 100.0 * CP_PWM_DUTY_FULL + 0.5);
    if (ql_pwm_pwt_enable(CP_PWM_DIVIDER, CP_PWM_PERIOD, duty) != QL_PWM_SUCCESS) {
        snprintf(error, error_size, "the pilot PWM did not start");
        return -1;
    }
    return 0;
}
