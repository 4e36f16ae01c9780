/* Compile-check stand-in for the SDK's ql_fs.h. */
#ifndef SDK_CHECK_QL_FS_H
#define SDK_CHECK_QL_FS_H
#include "ql_type_stubs.h"
typedef int QFILE;
#define QL_FILE_OK 0
QFILE ql_fopen(const char *file_name, const char *mode);
int ql_fclose(QFILE fd);
int ql_fread(void *buffer, size_t size, size_t num, QFILE fd);
int ql_fwrite(void *buffer, size_t size, size_t num, QFILE fd);
int ql_fsize(QFILE fd);
#define QL_SEEK_SET 0
int ql_fseek(QFILE fd, long offset, int origin);
int ql_fsync(QFILE fd);
int ql_file_exist(const char *file_name);
int ql_remove(const char *file_name);
int ql_rename(const char *oldpath, const char *newpath);
int ql_mkdir(const char *path, u32 mode);
#endif
