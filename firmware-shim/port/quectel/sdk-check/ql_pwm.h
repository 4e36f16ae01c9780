/* Compile-check stand-in for the SDK's ql_pwm.h: the PWM calls the board mapping uses. */
#ifndef SDK_CHECK_QL_PWM_H
#define SDK_CHECK_QL_PWM_H
#include <stdint.h>

typedef enum { QL_PWM_SUCCESS = 0, QL_PWM_EXECUTE_ERR = 1 } ql_errcode_pwm;
typedef enum { PWM_PWT, PWM_LPG, PWM_PWL0, PWM_PWL1, PWM_MAX } ql_PwmSel;

ql_errcode_pwm ql_pwm_open(ql_PwmSel pwm_sel);
/* frequency = SysFreq / (pwm_divider + 1) / (pwt_period * 8 + 1); duty in 0..1023 of pwt_period's range */
ql_errcode_pwm ql_pwm_pwt_enable(uint8_t pwm_divider, uint32_t pwt_period, uint32_t pwt_duty);
ql_errcode_pwm ql_pwm_disable(ql_PwmSel pwm_sel);
#endif
