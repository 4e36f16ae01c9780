/* Compile-check stand-in for the SDK's ql_api_osi.h: the RTOS calls the port uses. */
#ifndef SDK_CHECK_QL_API_OSI_H
#define SDK_CHECK_QL_API_OSI_H
#include "ql_type_stubs.h"

typedef int QlOSStatus;
typedef void *ql_task_t;
typedef void *ql_mutex_t;
#define QL_WAIT_FOREVER 0xFFFFFFFFUL
typedef enum { APP_PRIORITY_IDLE = 1, APP_PRIORITY_LOW = 4, APP_PRIORITY_BELOW_NORMAL = 8, APP_PRIORITY_NORMAL = 12,
               APP_PRIORITY_ABOVE_NORMAL = 16, APP_PRIORITY_HIGH = 20, APP_PRIORITY_REALTIME = 24 } APP_ThreadPriority_e;

typedef struct {
    int64 sec;
    int64 usec;
} ql_timeval_t;

QlOSStatus ql_rtos_task_create(ql_task_t *taskRef, uint32 stackSize, uint8 priority, char *taskName,
                               void (*taskStart)(void *argv), void *argv, uint32 event_count);
QlOSStatus ql_rtos_task_delete(ql_task_t taskRef);
QlOSStatus ql_rtos_task_get_current_ref(ql_task_t *taskRef);
QlOSStatus ql_rtos_task_sleep_s(uint32 s);
QlOSStatus ql_rtos_task_sleep_ms(uint32 ms);
uint64 ql_rtos_up_time_ms(void);
int ql_gettimeofday(ql_timeval_t *timeval);
QlOSStatus ql_rtos_mutex_create(ql_mutex_t *mutexRef);
QlOSStatus ql_rtos_mutex_lock(ql_mutex_t mutexRef, uint32 timeout);
QlOSStatus ql_rtos_mutex_unlock(ql_mutex_t mutexRef);
#endif
