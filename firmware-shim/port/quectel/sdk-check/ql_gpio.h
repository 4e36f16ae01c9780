/* Compile-check stand-in for the SDK's ql_gpio.h: the GPIO calls the board mapping uses. */
#ifndef SDK_CHECK_QL_GPIO_H
#define SDK_CHECK_QL_GPIO_H
#include "ql_type_stubs.h"

typedef enum { QL_GPIO_SUCCESS = 0, QL_GPIO_EXECUTE_ERR = 1 } ql_errcode_gpio;
typedef enum {
    GPIO_0 = 0, GPIO_1, GPIO_2, GPIO_3, GPIO_4, GPIO_5, GPIO_6, GPIO_7, GPIO_8, GPIO_9, GPIO_10, GPIO_11, GPIO_12,
    GPIO_13, GPIO_14, GPIO_15, GPIO_16, GPIO_17, GPIO_18, GPIO_19, GPIO_20, GPIO_21, GPIO_22, GPIO_23, GPIO_24,
    GPIO_25, GPIO_26, GPIO_27, GPIO_28, GPIO_29, GPIO_30, GPIO_31, GPIO_MAX
} ql_GpioNum;
typedef enum { GPIO_INPUT, GPIO_OUTPUT } ql_GpioDir;
typedef enum { LVL_LOW, LVL_HIGH } ql_LvlMode;
typedef enum { PULL_NONE, PULL_DOWN, PULL_UP } ql_PullMode;

ql_errcode_gpio ql_gpio_init(ql_GpioNum gpio_num, ql_GpioDir gpio_dir, ql_PullMode gpio_pull, ql_LvlMode gpio_lvl);
ql_errcode_gpio ql_gpio_set_level(ql_GpioNum gpio_num, ql_LvlMode gpio_lvl);
ql_errcode_gpio ql_gpio_get_level(ql_GpioNum gpio_num, ql_LvlMode *gpio_lvl);
#endif
