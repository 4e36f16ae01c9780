/* Compile-check stand-in for the SDK's ql_adc.h: the ADC call the board mapping uses. */
#ifndef SDK_CHECK_QL_ADC_H
#define SDK_CHECK_QL_ADC_H

#define QL_ADC0_CHANNEL 0
#define QL_ADC1_CHANNEL 1
#define QL_ADC2_CHANNEL 2
#define QL_ADC3_CHANNEL 3
typedef enum { QL_ADC_SUCCESS = 0, QL_ADC_INVALID_PARAM_ERR = 10, QL_ADC_GET_VALUE_ERROR = 50 } ql_errcode_adc_e;

/* The channel's voltage in mV. */
ql_errcode_adc_e ql_adc_get_volt(int ql_adc_channel_id, int *adc_value);
#endif
