#pragma once
// The DLPack ABI (unversioned DLManagedTensor, DLPack 0.x), as specified in
// https://github.com/dmlc/dlpack/blob/main/include/dlpack/dlpack.h. Only the
// parts a CPU producer needs; the layout must match the spec exactly because
// consumers (NumPy's from_dlpack) read these structs from the capsule.
#include <cstdint>

extern "C" {

typedef enum { kDLCPU = 1 } DLDeviceType;

typedef struct {
    DLDeviceType device_type;
    int32_t device_id;
} DLDevice;

typedef enum { kDLInt = 0U, kDLUInt = 1U, kDLFloat = 2U } DLDataTypeCode;

typedef struct {
    uint8_t code;
    uint8_t bits;
    uint16_t lanes;
} DLDataType;

typedef struct {
    void *data;          ///< base of the allocation; element 0 is at data + byte_offset
    DLDevice device;
    int32_t ndim;
    DLDataType dtype;
    int64_t *shape;
    int64_t *strides;    ///< in elements, not bytes
    uint64_t byte_offset;
} DLTensor;

typedef struct DLManagedTensor {
    DLTensor dl_tensor;
    void *manager_ctx;
    void (*deleter)(struct DLManagedTensor *self);
} DLManagedTensor;

} // extern "C"
