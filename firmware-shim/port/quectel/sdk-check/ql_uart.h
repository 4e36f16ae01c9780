/* Compile-check stand-in for the SDK's ql_uart.h: the UART calls the board mapping uses. */
#ifndef SDK_CHECK_QL_UART_H
#define SDK_CHECK_QL_UART_H
#include "ql_type_stubs.h"

typedef unsigned int uint;
typedef enum { QL_UART_SUCCESS = 0, QL_UART_EXECUTE_ERR = 1 } ql_uart_errcode_e;
typedef enum { QL_PORT_NONE = -1, QL_UART_PORT_1, QL_UART_PORT_2, QL_UART_PORT_3, QL_PORT_MAX = 7 } ql_uart_port_number_e;
typedef enum { QL_FC_NONE = 0, QL_FC_HW } ql_uart_flowctrl_e;
typedef enum { QL_UART_BAUD_9600 = 9600, QL_UART_BAUD_19200 = 19200, QL_UART_BAUD_115200 = 115200 } ql_uart_baud_e;
typedef enum { QL_UART_DATABIT_7 = 7, QL_UART_DATABIT_8 = 8 } ql_uart_databit_e;
typedef enum { QL_UART_STOP_1 = 1, QL_UART_STOP_2 = 2 } ql_uart_stopbit_e;
typedef enum { QL_UART_PARITY_NONE, QL_UART_PARITY_ODD, QL_UART_PARITY_EVEN } ql_uart_paritybit_e;
typedef struct {
    ql_uart_baud_e baudrate;
    ql_uart_databit_e data_bit;
    ql_uart_stopbit_e stop_bit;
    ql_uart_paritybit_e parity_bit;
    ql_uart_flowctrl_e flow_ctrl;
    uint rx_fifo_size;
    uint tx_fifo_size;
} ql_uart_config_s;

ql_uart_errcode_e ql_uart_set_dcbconfig(ql_uart_port_number_e port, ql_uart_config_s *dcb);
ql_uart_errcode_e ql_uart_open(ql_uart_port_number_e port);
int ql_uart_write(ql_uart_port_number_e port, unsigned char *data, unsigned int data_len);
int ql_uart_read(ql_uart_port_number_e port, unsigned char *data, unsigned int data_len);
int ql_uart_read_aviable(ql_uart_port_number_e port);
#endif
