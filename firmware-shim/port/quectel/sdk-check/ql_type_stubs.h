/* The SDK's integer names (ql_type.h in the SDK), as the port's headers use them. */
#ifndef SDK_CHECK_QL_TYPES_H
#define SDK_CHECK_QL_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef uint8_t uint8;
typedef uint16_t uint16;
typedef uint32_t uint32;
typedef uint64_t uint64;
typedef int64_t int64;
typedef uint32_t u32;
#endif
