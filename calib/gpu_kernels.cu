/* gpu_kernels.cu — the GPU benchmarks of ew-calib (built only where nvcc
 * is found). Each point measures one kernel shape: warm-up, then calls
 * doubling in number until they last 2 % of --min-seconds, then enough calls
 * for --min-seconds queued back to back on one stream and timed with CUDA
 * events; energy from NVML's total-energy counter around them (nvml.h),
 * clocks and temperature just before and just after. Inputs are random in
 * [-1, 1) (a hash of the element index, never zeros). When one set of a
 * point's inputs would fit in L2, calls rotate over enough copies to span
 * 4 × L2, so that the weights come from device memory as in serving.
 *
 * Kernels, with what one call counts (flops; bytes = each input read once
 * and each output written once, the least device-memory traffic):
 *   gemm        Y[M×N] = X[M×K]·W[N×K]^T through cuBLAS (cublasGemmEx, "TN",
 *               fp32 accumulation) in bf16 and fp16, and through cuBLASLt in
 *               fp8 (e4m3 inputs, bf16 output) where compute capability
 *               >= 8.9; M in {1, 4, 16, 64, 256, 1024, 4096, 8192} tokens,
 *               (N, K) from Llama 3.1 8B and 70B: (4096, 4096), (14336, 4096),
 *               (4096, 14336), (8192, 8192), (28672, 8192).
 *               flops = 2·M·N·K; bytes = (M·K + N·K)·e_in + M·N·e_out.
 *   stream_read n fp32 (1, 2, 4 GiB): each block sums its elements with
 *               16-byte loads and writes one partial. flops = n (one add per
 *               element; the blocks' final tree adds are not counted);
 *               bytes = 4·n + 4·blocks.
 *   stream_copy dst = src, n fp32 each (1, 2, 4 GiB). flops = 0; bytes = 8·n.
 *   gemv_batch  y[B×N] = x[B×K]·W[N×K]^T, bf16 in and out, fp32 accumulation
 *               on the CUDA cores (a decode step's FFN down-projection of
 *               Llama 3.1 8B: N = 4096, K = 14336), B in {1, 2, 4, ..., 256}.
 *               One warp per output row, 16-byte loads of W; the vectors are
 *               taken 8 at a time, W's row re-read from cache for each 8.
 *               flops = 2·B·N·K; bytes = 2·(N·K + B·K + B·N).
 *   attention   one decode step of B requests over a bf16 KV cache of
 *               length L (L in {256, 1024, 4096, 16384}): per request one
 *               head group of Llama 3.1 8B, G = 4 query heads sharing one KV
 *               head of D = 128 (d = G·D = 512, d_kv = D), each request its
 *               own cache. Split over the cache (flash-decoding): a block
 *               per (request, chunk of keys) computes scores, a local
 *               softmax and P·V in fp32; a second kernel merges the chunks.
 *               flops = 4·B·L·d (q·k and p·v, 2 per multiply-add; the
 *               softmax's exp and scaling are not counted); bytes =
 *               B·(2·L·d_kv·2 + 2·d + 2·d): K and V, q read, output written
 *               (not counted: the chunks' fp32 partials, written and read
 *               back, 4160 bytes per chunk of 64 to 512 keys, i.e. 13 % to
 *               1.6 % of the chunk's K and V, mostly within L2).
 *   idle        nothing running for 2 s (0.2 s with --quick), at the start
 *               and at the end. flops = bytes = 0; seconds = the energy window
 *               (host clock), the sleep plus the wait for the counter's steps.
 * Before measuring, every kernel is checked against a float64 reference on
 * the host (relative Frobenius error; a wrong kernel stops the run).
 * Every CUDA and cuBLAS call is checked; a failure names the call, file and
 * line and stops the run (rows written so far stay). Out of device memory
 * for one point skips that point with a note.
 */
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>
#include <cuda_runtime.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <algorithm>
#include <vector>

#include "calib.h"
#include "nvml.h"

namespace {

typedef __nv_bfloat16 bf16;

/* ---- errors ----------------------------------------------------------- */

struct gpu_error {
    char msg[768];
};
struct gpu_oom {
    char msg[256];
};

[[noreturn]] void fail_at(const char *file, int line, const char *fmt, ...)
{
    gpu_error e;
    int n = snprintf(e.msg, sizeof e.msg, "%s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.msg + n, sizeof e.msg - (size_t)n, fmt, ap);
    va_end(ap);
    throw e;
}

void cuda_check(cudaError_t e, const char *call, const char *file, int line)
{
    if (e == cudaSuccess)
        return;
    if (e == cudaErrorMemoryAllocation) {
        cudaGetLastError(); /* not sticky: clear it and skip the point */
        gpu_oom o;
        snprintf(o.msg, sizeof o.msg, "%s:%d: %s: out of device memory", file, line, call);
        throw o;
    }
    fail_at(file, line, "%s: %s (%s)", call, cudaGetErrorString(e), cudaGetErrorName(e));
}

void cublas_check(cublasStatus_t s, const char *call, const char *file, int line)
{
    if (s != CUBLAS_STATUS_SUCCESS)
        fail_at(file, line, "%s: %s", call, cublasGetStatusString(s));
}

#define CUDA_CHECK(call) cuda_check((call), #call, __FILE__, __LINE__)
#define CUBLAS_CHECK(call) cublas_check((call), #call, __FILE__, __LINE__)
#define LAUNCH_CHECK(name) cuda_check(cudaGetLastError(), name " launch", __FILE__, __LINE__)

/* ---- device memory ------------------------------------------------------ */

struct dbuf {
    void *p = nullptr;
    size_t bytes = 0;
    dbuf() = default;
    explicit dbuf(size_t n) : bytes(n)
    {
        if (n)
            CUDA_CHECK(cudaMalloc(&p, n));
    }
    ~dbuf() /* a destructor cannot throw; cudaFree fails only after an error already caught */
    {
        if (p)
            cudaFree(p);
    }
    dbuf(const dbuf &) = delete;
    dbuf &operator=(const dbuf &) = delete;
    template <class T> T *as() const { return static_cast<T *>(p); }
};

/* ---- random inputs ------------------------------------------------------ */

/* splitmix64 of (seed, i), top 24 bits as a uniform number in [-1, 1). */
__device__ __forceinline__ float rand_uniform(unsigned long long seed, size_t i)
{
    unsigned long long z = seed + 0x9E3779B97F4A7C15ULL * (i + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (float)(z >> 40) * (2.0f / 16777216.0f) - 1.0f;
}

template <class T> __device__ T from_float(float v);
template <> __device__ float from_float<float>(float v) { return v; }
template <> __device__ bf16 from_float<bf16>(float v) { return __float2bfloat16(v); }
template <> __device__ __half from_float<__half>(float v) { return __float2half(v); }
template <> __device__ __nv_fp8_e4m3 from_float<__nv_fp8_e4m3>(float v)
{
    return __nv_fp8_e4m3(v);
}

template <class T> __global__ void k_fill(T *p, size_t n, unsigned long long seed)
{
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n;
         i += (size_t)gridDim.x * blockDim.x)
        p[i] = from_float<T>(rand_uniform(seed, i));
}

inline float to_float(float v) { return v; }
inline float to_float(bf16 v) { return __bfloat162float(v); }
inline float to_float(__half v) { return __half2float(v); }
inline float to_float(__nv_fp8_e4m3 v) { return float(v); }

/* ---- streaming kernels -------------------------------------------------- */

__device__ __forceinline__ float sum4(float4 v) { return (v.x + v.y) + (v.z + v.w); }

__global__ void __launch_bounds__(256) k_stream_read(const float4 *__restrict__ p, size_t n4,
                                                     float *__restrict__ partial)
{
    const size_t stride = (size_t)gridDim.x * blockDim.x;
    size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
    float s = 0.0f;
    for (; i + 3 * stride < n4; i += 4 * stride) { /* four loads in flight */
        float4 a = p[i], b = p[i + stride], c = p[i + 2 * stride], d = p[i + 3 * stride];
        s += (sum4(a) + sum4(b)) + (sum4(c) + sum4(d));
    }
    for (; i < n4; i += stride)
        s += sum4(p[i]);
    __shared__ float red[8];
    for (int off = 16; off; off >>= 1)
        s += __shfl_xor_sync(0xffffffffu, s, off);
    if ((threadIdx.x & 31) == 0)
        red[threadIdx.x >> 5] = s;
    __syncthreads();
    if (threadIdx.x == 0) {
        float t = 0.0f;
        for (int w = 0; w < (int)(blockDim.x >> 5); w++)
            t += red[w];
        partial[blockIdx.x] = t;
    }
}

__global__ void __launch_bounds__(256) k_stream_copy(const float4 *__restrict__ src,
                                                     float4 *__restrict__ dst, size_t n4)
{
    const size_t stride = (size_t)gridDim.x * blockDim.x;
    size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
    for (; i + 3 * stride < n4; i += 4 * stride) {
        float4 a = src[i], b = src[i + stride], c = src[i + 2 * stride], d = src[i + 3 * stride];
        dst[i] = a;
        dst[i + stride] = b;
        dst[i + 2 * stride] = c;
        dst[i + 3 * stride] = d;
    }
    for (; i < n4; i += stride)
        dst[i] = src[i];
}

/* ---- decode-shaped kernels ---------------------------------------------- */

/* 8 bf16 (one 16-byte load) to float: a bf16 is the top half of a float. */
__device__ __forceinline__ void unpack8(uint4 v, float *f)
{
    const unsigned w[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
    for (int i = 0; i < 4; i++) {
        f[2 * i] = __uint_as_float(w[i] << 16);
        f[2 * i + 1] = __uint_as_float(w[i] & 0xFFFF0000u);
    }
}

/* One 16-byte read-only load (ld.global.nc.v4). */
__device__ __forceinline__ uint4 load16(const bf16 *p)
{
    return __ldg(reinterpret_cast<const uint4 *>(p));
}

constexpr int GEMV_THREADS = 256; /* 8 warps: 8 output rows per block */

/* y[b][n] = Σ_k x[b][k]·W[n][k]; K a multiple of 8, B a multiple of BT. */
template <int BT>
__global__ void __launch_bounds__(GEMV_THREADS)
    k_gemv_batch(const bf16 *__restrict__ W, const bf16 *__restrict__ x, bf16 *__restrict__ y,
                 int N, int K, int B)
{
    const int row = (int)((blockIdx.x * blockDim.x + threadIdx.x) >> 5);
    const int lane = threadIdx.x & 31;
    if (row >= N)
        return; /* the whole warp leaves together */
    const bf16 *w = W + (size_t)row * K;
    for (int b0 = 0; b0 < B; b0 += BT) {
        float acc[BT];
#pragma unroll
        for (int j = 0; j < BT; j++)
            acc[j] = 0.0f;
#pragma unroll 2
        for (int k = lane * 8; k < K; k += 256) {
            float wf[8];
            unpack8(load16(w + k), wf);
#pragma unroll
            for (int j = 0; j < BT; j++) {
                float xf[8];
                unpack8(load16(x + (size_t)(b0 + j) * K + k), xf);
#pragma unroll
                for (int e = 0; e < 8; e++)
                    acc[j] = fmaf(wf[e], xf[e], acc[j]);
            }
        }
#pragma unroll
        for (int j = 0; j < BT; j++) {
            float v = acc[j];
            for (int off = 16; off; off >>= 1)
                v += __shfl_xor_sync(0xffffffffu, v, off);
            if (lane == 0)
                y[(size_t)(b0 + j) * N + row] = __float2bfloat16(v);
        }
    }
}

constexpr int ATT_G = 4, ATT_D = 128, ATT_THREADS = 128, ATT_MAXCH = 512;

/* Block (chunk, request): keys [chunk·CH, min(L, (chunk+1)·CH)) of request
 * b. Writes, per head, the chunk's max score m, Σ exp(s − m) l and
 * Σ exp(s − m)·v (unnormalised) to the partials. */
__global__ void __launch_bounds__(ATT_THREADS)
    k_attn_partial(const bf16 *__restrict__ q, const bf16 *__restrict__ Kc,
                   const bf16 *__restrict__ Vc, float *__restrict__ pacc,
                   float *__restrict__ pml, int L, int CH, float scale)
{
    __shared__ float s_sc[ATT_G][ATT_MAXCH];
    __shared__ float s_red[8][ATT_G][ATT_D];
    __shared__ float s_m[ATT_G], s_l[ATT_G];
    const int b = blockIdx.y, chunk = blockIdx.x, nsplit = gridDim.x, t = threadIdx.x;
    const int j0 = chunk * CH, nk = min(CH, L - j0);
    const bf16 *kb = Kc + ((size_t)b * L + j0) * ATT_D;
    const bf16 *vb = Vc + ((size_t)b * L + j0) * ATT_D;
    const bf16 *qb = q + (size_t)b * ATT_G * ATT_D;

    /* scores: 8 threads per key, each 16 dims; 16 keys per pass */
    const int sub = t & 7, kr = t >> 3;
    float qf[ATT_G][16];
#pragma unroll
    for (int h = 0; h < ATT_G; h++) {
        unpack8(load16(qb + h * ATT_D + sub * 16), &qf[h][0]);
        unpack8(load16(qb + h * ATT_D + sub * 16 + 8), &qf[h][8]);
    }
    for (int base = 0; base < nk; base += 16) { /* same trip count in every thread */
        const int j = base + kr;
        float kf[16];
        if (j < nk) {
            const bf16 *kp = kb + (size_t)j * ATT_D + sub * 16;
            unpack8(load16(kp), &kf[0]);
            unpack8(load16(kp + 8), &kf[8]);
        } else {
#pragma unroll
            for (int e = 0; e < 16; e++)
                kf[e] = 0.0f;
        }
        float dot[ATT_G];
#pragma unroll
        for (int h = 0; h < ATT_G; h++) {
            float s = 0.0f;
#pragma unroll
            for (int e = 0; e < 16; e++)
                s = fmaf(qf[h][e], kf[e], s);
            dot[h] = s;
        }
#pragma unroll
        for (int h = 0; h < ATT_G; h++)
            for (int off = 4; off; off >>= 1) /* within the 8 lanes of a key */
                dot[h] += __shfl_xor_sync(0xffffffffu, dot[h], off);
        if (j < nk && sub == 0) {
#pragma unroll
            for (int h = 0; h < ATT_G; h++)
                s_sc[h][j] = dot[h] * scale;
        }
    }
    __syncthreads();

    /* softmax over the chunk: warp h for head h */
    {
        const int h = t >> 5, lane = t & 31;
        float m = -INFINITY;
        for (int j = lane; j < nk; j += 32)
            m = fmaxf(m, s_sc[h][j]);
        for (int off = 16; off; off >>= 1)
            m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, off));
        float l = 0.0f;
        for (int j = lane; j < nk; j += 32) {
            float p = __expf(s_sc[h][j] - m);
            s_sc[h][j] = p;
            l += p;
        }
        for (int off = 16; off; off >>= 1)
            l += __shfl_xor_sync(0xffffffffu, l, off);
        if (lane == 0) {
            s_m[h] = m;
            s_l[h] = l;
        }
    }
    __syncthreads();

    /* P·V: 16 threads per key (8 dims each, one 16-byte load), 8 keys per pass */
    const int dsub = t & 15, kg = t >> 4;
    float acc[ATT_G][8];
#pragma unroll
    for (int h = 0; h < ATT_G; h++)
#pragma unroll
        for (int e = 0; e < 8; e++)
            acc[h][e] = 0.0f;
    for (int j = kg; j < nk; j += 8) {
        float vf[8];
        unpack8(load16(vb + (size_t)j * ATT_D + dsub * 8), vf);
#pragma unroll
        for (int h = 0; h < ATT_G; h++) {
            const float p = s_sc[h][j];
#pragma unroll
            for (int e = 0; e < 8; e++)
                acc[h][e] = fmaf(p, vf[e], acc[h][e]);
        }
    }
#pragma unroll
    for (int h = 0; h < ATT_G; h++)
#pragma unroll
        for (int e = 0; e < 8; e++)
            s_red[kg][h][dsub * 8 + e] = acc[h][e];
    __syncthreads();
    const size_t part = (size_t)b * nsplit + chunk;
#pragma unroll
    for (int h = 0; h < ATT_G; h++) {
        float s = 0.0f;
#pragma unroll
        for (int g = 0; g < 8; g++)
            s += s_red[g][h][t];
        pacc[(part * ATT_G + h) * ATT_D + t] = s;
    }
    if (t < ATT_G) {
        pml[(part * ATT_G + t) * 2] = s_m[t];
        pml[(part * ATT_G + t) * 2 + 1] = s_l[t];
    }
}

/* out[b][h][d] = Σ_c e^(m_c − M)·acc_c[d] / Σ_c e^(m_c − M)·l_c, M = max_c m_c. */
__global__ void __launch_bounds__(ATT_D)
    k_attn_combine(const float *__restrict__ pacc, const float *__restrict__ pml,
                   bf16 *__restrict__ out, int nsplit)
{
    const int b = blockIdx.x, d = threadIdx.x;
    for (int h = 0; h < ATT_G; h++) {
        float M = -INFINITY;
        for (int c = 0; c < nsplit; c++)
            M = fmaxf(M, pml[(((size_t)b * nsplit + c) * ATT_G + h) * 2]);
        float num = 0.0f, den = 0.0f;
        for (int c = 0; c < nsplit; c++) {
            const size_t part = (size_t)b * nsplit + c;
            const float w = __expf(pml[(part * ATT_G + h) * 2] - M);
            den += w * pml[(part * ATT_G + h) * 2 + 1];
            num += w * pacc[(part * ATT_G + h) * ATT_D + d];
        }
        out[((size_t)b * ATT_G + h) * ATT_D + d] = __float2bfloat16(num / den);
    }
}

/* ---- the measuring context ---------------------------------------------- */

enum prec { P_BF16, P_FP16, P_FP8 };
const char *const prec_name[] = {"bf16", "fp16", "fp8"};

struct gpu {
    const ew_calib_opts *o = nullptr;
    ew_calib_out *out = nullptr;
    ew_nvml *nv = nullptr;
    cudaDeviceProp prop{};
    int cc = 0, sms = 0;
    size_t l2 = 0;
    cudaStream_t stream = nullptr;
    cudaEvent_t e0 = nullptr, e1 = nullptr;
    cublasHandle_t blas = nullptr;
    cublasLtHandle_t lt = nullptr;
    void *lt_ws = nullptr;
    size_t lt_ws_bytes = 32u << 20;
    unsigned long long seed = 1;
    int done = 0, total = 0;
};

template <class T> void fill(gpu &g, T *p, size_t n)
{
    k_fill<T><<<g.sms * 8, 256, 0, g.stream>>>(p, n, 0x5EED0000ULL + 7919ULL * g.seed++);
    LAUNCH_CHECK("k_fill");
}

/* Copies of an input set needed to span 4 × L2 (1 if one set already does). */
size_t slices_for(const gpu &g, size_t set_bytes)
{
    size_t want = 4 * g.l2, n = (want + set_bytes - 1) / set_bytes;
    return std::min<size_t>(std::max<size_t>(n, 1), 4096);
}

double host_now()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct result {
    long reps = 0;
    double seconds = 0.0;
    int metered = 0;
    ew_nvml_energy en{};
    ew_nvml_state before{}, after{};
};

template <class F> double timed(gpu &g, F &call, long n)
{
    CUDA_CHECK(cudaEventRecord(g.e0, g.stream));
    for (long i = 0; i < n; i++)
        call(i);
    CUDA_CHECK(cudaEventRecord(g.e1, g.stream));
    CUDA_CHECK(cudaEventSynchronize(g.e1));
    float ms = 0.0f;
    CUDA_CHECK(cudaEventElapsedTime(&ms, g.e0, g.e1));
    return ms * 1e-3;
}

/* call(i) enqueues the i-th call on g.stream (checking its launch). */
template <class F> result measure(gpu &g, F call)
{
    call(0L);
    call(1L);
    CUDA_CHECK(cudaStreamSynchronize(g.stream));
    const double probe = std::max(0.01, 0.02 * g.o->min_s);
    long n = 1;
    double t;
    while ((t = timed(g, call, n)) < probe && n < (1L << 26))
        n *= 2;
    result r;
    r.reps = std::max(1L, (long)ceil(g.o->min_s * (double)n / t));
    char why[256] = "";
    ew_nvml_state_read(g.nv, &r.before);
    r.metered = ew_nvml_meter_start(g.nv, why, sizeof why) == 0;
    r.seconds = timed(g, call, r.reps);
    ew_nvml_state_read(g.nv, &r.after);
    if (r.metered && ew_nvml_meter_stop(g.nv, &r.en, why, sizeof why) != 0)
        r.metered = 0;
    if (!r.metered)
        ew_calib_note(g.out, "energy unmeasured for the next row: %s", why);
    return r;
}

void write_row(gpu &g, const char *kernel, const char *precision, int64_t m, int64_t n,
               int64_t k, int64_t batch, int64_t context, uint64_t flops_call,
               uint64_t bytes_call, const result &r)
{
    ew_calib_row row;
    ew_calib_row_init(&row);
    row.device = ew_nvml_name(g.nv);
    row.driver = ew_nvml_driver(g.nv);
    row.kernel = kernel;
    row.precision = precision;
    row.m = m;
    row.n = n;
    row.k = k;
    row.batch = batch;
    row.context = context;
    row.repetitions = r.reps;
    row.seconds = r.seconds;
    row.flops = flops_call * (uint64_t)r.reps;
    row.bytes = bytes_call * (uint64_t)r.reps;
    row.sm_clock_mhz_before = r.before.sm_mhz;
    row.sm_clock_mhz_after = r.after.sm_mhz;
    row.mem_clock_mhz = r.after.mem_mhz;
    row.temp_c_before = r.before.temp_c;
    row.temp_c_after = r.after.temp_c;
    row.power_limit_w = r.after.power_limit_w;
    if (r.metered) {
        row.joules = r.en.joules;
        row.avg_watts = r.en.window_s > 0 ? r.en.joules / r.en.window_s : NAN;
        row.energy_source = r.en.source;
    }
    g.done++;
    ew_calib_progress("[%d/%d] %s %s m=%lld n=%lld k=%lld B=%lld L=%lld: %ld calls %.3f s, "
                      "%.1f TFLOP/s, %.0f GB/s, %.0f W, SM %.0f MHz, %.0f C",
                      g.done, g.total, kernel, precision, (long long)m, (long long)n,
                      (long long)k, (long long)batch, (long long)context, r.reps, r.seconds,
                      (double)row.flops / r.seconds * 1e-12,
                      (double)row.bytes / r.seconds * 1e-9, row.avg_watts, r.after.sm_mhz,
                      r.after.temp_c);
    if (ew_calib_row_write(g.out, &row) != 0)
        fail_at(__FILE__, __LINE__, "cannot write the output: %s", strerror(errno));
}

/* ---- GEMM --------------------------------------------------------------- */

/* One GEMM of a shape: cuBLAS for bf16/fp16, a cuBLASLt plan for fp8. */
struct gemm_plan {
    gpu *g;
    prec p;
    int M, N, K;
    cublasLtMatmulDesc_t desc = nullptr;
    cublasLtMatrixLayout_t la = nullptr, lb = nullptr, lc = nullptr;
    cublasLtMatmulAlgo_t algo{};
    bool ok = true;
    char why[256] = "";

    gemm_plan(gpu &g_, prec p_, int M_, int N_, int K_) : g(&g_), p(p_), M(M_), N(N_), K(K_)
    {
        if (p != P_FP8)
            return;
        CUBLAS_CHECK(cublasLtMatmulDescCreate(&desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
        cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
        CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSA, &ta,
                                                    sizeof ta));
        CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSB, &tb,
                                                    sizeof tb));
        /* column-major: W is K×N (op T: N×K), X is K×M, Y is N×M */
        CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&la, CUDA_R_8F_E4M3, K, N, K));
        CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&lb, CUDA_R_8F_E4M3, K, M, K));
        CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&lc, CUDA_R_16BF, N, M, N));
        cublasLtMatmulPreference_t pref;
        CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&pref));
        CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(
            pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &g->lt_ws_bytes,
            sizeof g->lt_ws_bytes));
        cublasLtMatmulHeuristicResult_t res{};
        int found = 0;
        cublasStatus_t s = cublasLtMatmulAlgoGetHeuristic(g->lt, desc, la, lb, lc, lc, pref, 1,
                                                          &res, &found);
        CUBLAS_CHECK(cublasLtMatmulPreferenceDestroy(pref));
        if (s != CUBLAS_STATUS_SUCCESS || found == 0) {
            ok = false;
            snprintf(why, sizeof why, "cuBLASLt has no fp8 algorithm for m=%d n=%d k=%d (%s)", M,
                     N, K, s != CUBLAS_STATUS_SUCCESS ? cublasGetStatusString(s) : "none found");
        } else {
            algo = res.algo;
        }
    }
    ~gemm_plan()
    {
        if (lc)
            cublasLtMatrixLayoutDestroy(lc);
        if (lb)
            cublasLtMatrixLayoutDestroy(lb);
        if (la)
            cublasLtMatrixLayoutDestroy(la);
        if (desc)
            cublasLtMatmulDescDestroy(desc);
    }
    gemm_plan(const gemm_plan &) = delete;
    gemm_plan &operator=(const gemm_plan &) = delete;

    size_t in_bytes() const { return p == P_FP8 ? 1 : 2; }

    /* Y[M×N] = X[M×K]·W[N×K]^T (row-major), i.e. column-major Y^T = W^T·X^T. */
    cublasStatus_t run_status(const void *W, const void *X, void *Y) const
    {
        const float alpha = 1.0f, beta = 0.0f;
        if (p == P_FP8)
            return cublasLtMatmul(g->lt, desc, &alpha, W, la, X, lb, &beta, Y, lc, Y, lc, &algo,
                                  g->lt_ws, g->lt_ws_bytes, g->stream);
        const cudaDataType t = p == P_BF16 ? CUDA_R_16BF : CUDA_R_16F;
        return cublasGemmEx(g->blas, CUBLAS_OP_T, CUBLAS_OP_N, N, M, K, &alpha, W, t, K, X, t, K,
                            &beta, Y, t, N, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
    }
    void run(const void *W, const void *X, void *Y) const
    {
        CUBLAS_CHECK(run_status(W, X, Y));
    }
    /* The first call: an fp8 shape that cuBLASLt planned but refuses to run
     * is skipped (false, why set); any other failure stops the run. */
    bool first_run(const void *W, const void *X, void *Y)
    {
        cublasStatus_t s = run_status(W, X, Y);
        if (p == P_FP8 && (s == CUBLAS_STATUS_NOT_SUPPORTED || s == CUBLAS_STATUS_INVALID_VALUE)) {
            snprintf(why, sizeof why, "cuBLASLt refused fp8 m=%d n=%d k=%d: %s", M, N, K,
                     cublasGetStatusString(s));
            return false;
        }
        CUBLAS_CHECK(s);
        return true;
    }
};

void fill_input(gpu &g, prec p, void *ptr, size_t n)
{
    if (p == P_BF16)
        fill(g, static_cast<bf16 *>(ptr), n);
    else if (p == P_FP16)
        fill(g, static_cast<__half *>(ptr), n);
    else
        fill(g, static_cast<__nv_fp8_e4m3 *>(ptr), n);
}

template <class T> std::vector<double> to_host(const void *d, size_t n)
{
    std::vector<T> h(n);
    CUDA_CHECK(cudaMemcpy(h.data(), d, n * sizeof(T), cudaMemcpyDeviceToHost));
    std::vector<double> out(n);
    for (size_t i = 0; i < n; i++)
        out[i] = to_float(h[i]);
    return out;
}

std::vector<double> input_to_host(prec p, const void *d, size_t n)
{
    return p == P_BF16   ? to_host<bf16>(d, n)
           : p == P_FP16 ? to_host<__half>(d, n)
                         : to_host<__nv_fp8_e4m3>(d, n);
}

double rel_error(const std::vector<double> &got, const std::vector<double> &ref)
{
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < got.size(); i++) {
        double d = got[i] - ref[i];
        if (!(d == d))
            return INFINITY; /* NaN never passes */
        num += d * d;
        den += ref[i] * ref[i];
    }
    return sqrt(num / den);
}

void check_result(gpu &g, const char *what, double err, double tol)
{
    ew_calib_note(g.out, "check %s: relative error %.2e against float64 (tolerance %.0e): %s",
                  what, err, tol, err <= tol ? "ok" : "WRONG");
    if (!(err <= tol))
        fail_at(__FILE__, __LINE__, "check %s failed: relative error %.3e > %.0e", what, err,
                tol);
}

void check_gemm(gpu &g, prec p, int M, int N, int K)
{
    gemm_plan plan(g, p, M, N, K);
    char what[96];
    snprintf(what, sizeof what, "gemm %s m=%d n=%d k=%d", prec_name[p], M, N, K);
    if (!plan.ok) {
        ew_calib_note(g.out, "check %s: skipped: %s", what, plan.why);
        return;
    }
    dbuf W((size_t)N * K * plan.in_bytes()), X((size_t)M * K * plan.in_bytes()),
        Y((size_t)M * N * 2);
    fill_input(g, p, W.p, (size_t)N * K);
    fill_input(g, p, X.p, (size_t)M * K);
    CUDA_CHECK(cudaMemsetAsync(Y.p, 0xFF, Y.bytes, g.stream)); /* NaN until written */
    if (!plan.first_run(W.p, X.p, Y.p)) {
        ew_calib_note(g.out, "check %s: skipped: %s", what, plan.why);
        return;
    }
    CUDA_CHECK(cudaStreamSynchronize(g.stream));
    std::vector<double> w = input_to_host(p, W.p, (size_t)N * K),
                        x = input_to_host(p, X.p, (size_t)M * K);
    std::vector<double> y = p == P_FP16 ? to_host<__half>(Y.p, (size_t)M * N)
                                        : to_host<bf16>(Y.p, (size_t)M * N);
    std::vector<double> ref((size_t)M * N);
    for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++) {
            double s = 0.0;
            for (int k = 0; k < K; k++)
                s += x[(size_t)m * K + k] * w[(size_t)n * K + k];
            ref[(size_t)m * N + n] = s;
        }
    check_result(g, what, rel_error(y, ref), p == P_FP16 ? 5e-3 : 1e-2);
}

void run_gemm(gpu &g, prec p, int M, int N, int K)
{
    gemm_plan plan(g, p, M, N, K);
    if (!plan.ok) {
        g.done++;
        ew_calib_note(g.out, "skip gemm %s m=%d n=%d k=%d: %s", prec_name[p], M, N, K, plan.why);
        return;
    }
    const size_t eb = plan.in_bytes();
    const size_t w_bytes = (size_t)N * K * eb, x_bytes = (size_t)M * K * eb,
                 y_bytes = (size_t)M * N * 2;
    const size_t slices = slices_for(g, w_bytes + x_bytes);
    dbuf W(w_bytes * slices), X(x_bytes * slices), Y(y_bytes);
    fill_input(g, p, W.p, (size_t)N * K * slices);
    fill_input(g, p, X.p, (size_t)M * K * slices);
    char *w = W.as<char>(), *x = X.as<char>();
    if (!plan.first_run(w, x, Y.p)) {
        g.done++;
        ew_calib_note(g.out, "skip gemm %s m=%d n=%d k=%d: %s", prec_name[p], M, N, K, plan.why);
        return;
    }
    result r = measure(g, [&](long i) {
        const size_t s = (size_t)i % slices;
        plan.run(w + s * w_bytes, x + s * x_bytes, Y.p);
    });
    const uint64_t flops = 2ULL * (uint64_t)M * (uint64_t)N * (uint64_t)K;
    write_row(g, "gemm", prec_name[p], M, N, K, -1, -1, flops, w_bytes + x_bytes + y_bytes, r);
}

/* ---- streaming ---------------------------------------------------------- */

void run_stream(gpu &g, bool copy, size_t bytes)
{
    const size_t n = bytes / sizeof(float), n4 = n / 4;
    const int blocks = g.sms * 8;
    dbuf A(bytes), Bf(copy ? bytes : (size_t)blocks * sizeof(float));
    fill(g, A.as<float>(), n);
    const float4 *src = A.as<const float4>();
    result r;
    if (copy) {
        float4 *dst = Bf.as<float4>();
        r = measure(g, [&](long) {
            k_stream_copy<<<blocks, 256, 0, g.stream>>>(src, dst, n4);
            LAUNCH_CHECK("k_stream_copy");
        });
        write_row(g, "stream_copy", "fp32", -1, (int64_t)n, -1, -1, -1, 0, 2 * bytes, r);
    } else {
        float *partial = Bf.as<float>();
        r = measure(g, [&](long) {
            k_stream_read<<<blocks, 256, 0, g.stream>>>(src, n4, partial);
            LAUNCH_CHECK("k_stream_read");
        });
        write_row(g, "stream_read", "fp32", -1, (int64_t)n, -1, -1, -1, n,
                  bytes + (size_t)blocks * sizeof(float), r);
    }
}

void check_stream(gpu &g)
{
    const size_t n = (size_t)3 << 20, bytes = n * sizeof(float);
    const int blocks = g.sms * 8;
    dbuf A(bytes), C(bytes), P((size_t)blocks * sizeof(float));
    fill(g, A.as<float>(), n);
    CUDA_CHECK(cudaMemsetAsync(C.p, 0xFF, bytes, g.stream));
    k_stream_copy<<<blocks, 256, 0, g.stream>>>(A.as<const float4>(), C.as<float4>(), n / 4);
    LAUNCH_CHECK("k_stream_copy");
    k_stream_read<<<blocks, 256, 0, g.stream>>>(A.as<const float4>(), n / 4, P.as<float>());
    LAUNCH_CHECK("k_stream_read");
    CUDA_CHECK(cudaStreamSynchronize(g.stream));
    std::vector<double> a = to_host<float>(A.p, n), c = to_host<float>(C.p, n),
                        part = to_host<float>(P.p, (size_t)blocks);
    check_result(g, "stream_copy", rel_error(c, a), 0.0);
    double sum = 0.0, ref = 0.0, mag = 0.0;
    for (double v : part)
        sum += v;
    for (double v : a) {
        ref += v;
        mag += fabs(v);
    }
    /* fp32 partial sums of 3 Mi numbers in [-1, 1): error far under 1e-4 of Σ|a| */
    check_result(g, "stream_read (sum, relative to sum of |a|)", fabs(sum - ref) / mag, 1e-4);
}

/* ---- gemv_batch --------------------------------------------------------- */

void launch_gemv(gpu &g, const bf16 *W, const bf16 *x, bf16 *y, int N, int K, int B)
{
    const int blocks = (N + GEMV_THREADS / 32 - 1) / (GEMV_THREADS / 32);
    if (B % 8 == 0)
        k_gemv_batch<8><<<blocks, GEMV_THREADS, 0, g.stream>>>(W, x, y, N, K, B);
    else if (B % 4 == 0)
        k_gemv_batch<4><<<blocks, GEMV_THREADS, 0, g.stream>>>(W, x, y, N, K, B);
    else if (B % 2 == 0)
        k_gemv_batch<2><<<blocks, GEMV_THREADS, 0, g.stream>>>(W, x, y, N, K, B);
    else
        k_gemv_batch<1><<<blocks, GEMV_THREADS, 0, g.stream>>>(W, x, y, N, K, B);
    LAUNCH_CHECK("k_gemv_batch");
}

void check_gemv(gpu &g, int N, int K, int B)
{
    dbuf W((size_t)N * K * 2), X((size_t)B * K * 2), Y((size_t)B * N * 2);
    fill(g, W.as<bf16>(), (size_t)N * K);
    fill(g, X.as<bf16>(), (size_t)B * K);
    CUDA_CHECK(cudaMemsetAsync(Y.p, 0xFF, Y.bytes, g.stream));
    launch_gemv(g, W.as<bf16>(), X.as<bf16>(), Y.as<bf16>(), N, K, B);
    CUDA_CHECK(cudaStreamSynchronize(g.stream));
    std::vector<double> w = to_host<bf16>(W.p, (size_t)N * K), x = to_host<bf16>(X.p, (size_t)B * K),
                        y = to_host<bf16>(Y.p, (size_t)B * N), ref((size_t)B * N);
    for (int b = 0; b < B; b++)
        for (int n = 0; n < N; n++) {
            double s = 0.0;
            for (int k = 0; k < K; k++)
                s += x[(size_t)b * K + k] * w[(size_t)n * K + k];
            ref[(size_t)b * N + n] = s;
        }
    char what[64];
    snprintf(what, sizeof what, "gemv_batch n=%d k=%d B=%d", N, K, B);
    check_result(g, what, rel_error(y, ref), 1e-2);
}

void run_gemv(gpu &g, int N, int K, int B)
{
    const size_t w_bytes = (size_t)N * K * 2, x_bytes = (size_t)B * K * 2;
    const size_t slices = slices_for(g, w_bytes + x_bytes);
    dbuf W(w_bytes * slices), X(x_bytes), Y((size_t)B * N * 2);
    fill(g, W.as<bf16>(), (size_t)N * K * slices);
    fill(g, X.as<bf16>(), (size_t)B * K);
    const bf16 *w = W.as<const bf16>();
    result r = measure(g, [&](long i) {
        launch_gemv(g, w + ((size_t)i % slices) * N * K, X.as<bf16>(), Y.as<bf16>(), N, K, B);
    });
    const uint64_t flops = 2ULL * (uint64_t)B * (uint64_t)N * (uint64_t)K;
    write_row(g, "gemv_batch", "bf16", -1, N, K, B, -1, flops,
              w_bytes + x_bytes + (size_t)B * N * 2, r);
}

/* ---- attention ---------------------------------------------------------- */

int attn_chunk(const gpu &g, int B, int L)
{
    for (int ch : {512, 256, 128})
        if ((long)B * ((L + ch - 1) / ch) >= 2L * g.sms)
            return ch;
    return 64;
}

struct attn_bufs {
    int B, L, CH, nsplit;
    dbuf part_acc, part_ml;
    attn_bufs(int B_, int L_, int CH_)
        : B(B_), L(L_), CH(CH_), nsplit((L_ + CH_ - 1) / CH_),
          part_acc((size_t)B_ * nsplit * ATT_G * ATT_D * sizeof(float)),
          part_ml((size_t)B_ * nsplit * ATT_G * 2 * sizeof(float))
    {
    }
    void launch(gpu &g, const bf16 *q, const bf16 *K, const bf16 *V, bf16 *out)
    {
        const float scale = 1.0f / sqrtf((float)ATT_D);
        k_attn_partial<<<dim3((unsigned)nsplit, (unsigned)B), ATT_THREADS, 0, g.stream>>>(
            q, K, V, part_acc.as<float>(), part_ml.as<float>(), L, CH, scale);
        LAUNCH_CHECK("k_attn_partial");
        k_attn_combine<<<B, ATT_D, 0, g.stream>>>(part_acc.as<float>(), part_ml.as<float>(),
                                                 out, nsplit);
        LAUNCH_CHECK("k_attn_combine");
    }
};

void check_attention(gpu &g, int B, int L, int CH)
{
    const size_t qn = (size_t)B * ATT_G * ATT_D, kvn = (size_t)B * L * ATT_D;
    dbuf Q(qn * 2), K(kvn * 2), V(kvn * 2), O(qn * 2);
    fill(g, Q.as<bf16>(), qn);
    fill(g, K.as<bf16>(), kvn);
    fill(g, V.as<bf16>(), kvn);
    CUDA_CHECK(cudaMemsetAsync(O.p, 0xFF, O.bytes, g.stream));
    attn_bufs ab(B, L, CH);
    ab.launch(g, Q.as<bf16>(), K.as<bf16>(), V.as<bf16>(), O.as<bf16>());
    CUDA_CHECK(cudaStreamSynchronize(g.stream));
    std::vector<double> q = to_host<bf16>(Q.p, qn), k = to_host<bf16>(K.p, kvn),
                        v = to_host<bf16>(V.p, kvn), o = to_host<bf16>(O.p, qn), ref(qn);
    std::vector<double> s((size_t)L);
    const double scale = 1.0 / sqrt((double)ATT_D);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < ATT_G; h++) {
            const double *qh = &q[((size_t)b * ATT_G + h) * ATT_D];
            double m = -INFINITY, l = 0.0;
            for (int j = 0; j < L; j++) {
                const double *kj = &k[((size_t)b * L + j) * ATT_D];
                double d = 0.0;
                for (int e = 0; e < ATT_D; e++)
                    d += qh[e] * kj[e];
                s[(size_t)j] = d * scale;
                m = std::max(m, s[(size_t)j]);
            }
            for (int j = 0; j < L; j++)
                l += (s[(size_t)j] = exp(s[(size_t)j] - m));
            for (int e = 0; e < ATT_D; e++) {
                double acc = 0.0;
                for (int j = 0; j < L; j++)
                    acc += s[(size_t)j] * v[((size_t)b * L + j) * ATT_D + e];
                ref[((size_t)b * ATT_G + h) * ATT_D + e] = acc / l;
            }
        }
    char what[64];
    snprintf(what, sizeof what, "attention B=%d L=%d chunk=%d", B, L, CH);
    check_result(g, what, rel_error(o, ref), 1e-2);
}

void run_attention(gpu &g, int B, int L)
{
    const size_t qn = (size_t)B * ATT_G * ATT_D, kvn = (size_t)B * L * ATT_D;
    const size_t slices = slices_for(g, 2 * kvn * 2);
    dbuf Q(qn * 2), K(kvn * 2 * slices), V(kvn * 2 * slices), O(qn * 2);
    fill(g, Q.as<bf16>(), qn);
    fill(g, K.as<bf16>(), kvn * slices);
    fill(g, V.as<bf16>(), kvn * slices);
    attn_bufs ab(B, L, attn_chunk(g, B, L));
    const bf16 *k = K.as<const bf16>(), *v = V.as<const bf16>();
    result r = measure(g, [&](long i) {
        const size_t s = (size_t)i % slices;
        ab.launch(g, Q.as<bf16>(), k + s * kvn, v + s * kvn, O.as<bf16>());
    });
    const uint64_t d = ATT_G * ATT_D, dkv = ATT_D, b = (uint64_t)B, l = (uint64_t)L;
    write_row(g, "attention", "bf16", -1, (int64_t)d, (int64_t)dkv, B, L, 4 * b * l * d,
              b * (2 * l * dkv * 2 + 2 * d + 2 * d), r);
}

/* ---- idle --------------------------------------------------------------- */

void run_idle(gpu &g, double seconds)
{
    CUDA_CHECK(cudaDeviceSynchronize());
    result r;
    char why[256] = "";
    ew_nvml_state_read(g.nv, &r.before);
    r.metered = ew_nvml_meter_start(g.nv, why, sizeof why) == 0;
    const double t0 = host_now();
    while (host_now() - t0 < seconds) {
        double left = seconds - (host_now() - t0);
        struct timespec ts = {(time_t)left, (long)((left - floor(left)) * 1e9)};
        nanosleep(&ts, nullptr);
    }
    r.seconds = host_now() - t0;
    ew_nvml_state_read(g.nv, &r.after);
    if (r.metered && ew_nvml_meter_stop(g.nv, &r.en, why, sizeof why) != 0)
        r.metered = 0;
    if (!r.metered)
        ew_calib_note(g.out, "energy unmeasured for the next row: %s", why);
    else
        r.seconds = r.en.window_s; /* nothing ran: the whole window is idle */
    r.reps = 1;
    write_row(g, "idle", "", -1, -1, -1, -1, -1, 0, 0, r);
}

/* ---- the plan ------------------------------------------------------------ */

struct shape {
    int n, k;
};

void run_all(gpu &g)
{
    const ew_calib_opts *o = g.o;
    const bool quick = o->quick != 0;
    const std::vector<int> ms = quick ? std::vector<int>{1, 64}
                                      : std::vector<int>{1, 4, 16, 64, 256, 1024, 4096, 8192};
    const std::vector<shape> shapes =
        quick ? std::vector<shape>{{4096, 4096}}
              : std::vector<shape>{{4096, 4096}, {14336, 4096}, {4096, 14336}, {8192, 8192},
                                   {28672, 8192}};
    const std::vector<size_t> stream_bytes =
        quick ? std::vector<size_t>{(size_t)64 << 20}
              : std::vector<size_t>{(size_t)1 << 30, (size_t)2 << 30, (size_t)4 << 30};
    const std::vector<int> batches = quick ? std::vector<int>{1, 8}
                                           : std::vector<int>{1, 2, 4, 8, 16, 32, 64, 128, 256};
    const std::vector<int> attn_b = quick ? std::vector<int>{1, 4} : batches;
    const std::vector<int> attn_l = quick ? std::vector<int>{256, 1024}
                                          : std::vector<int>{256, 1024, 4096, 16384};
    const double idle_s = quick ? 0.2 : std::max(2.0, o->min_s);
    const bool fp8 = g.cc >= 89;
    std::vector<prec> precs{P_BF16, P_FP16};
    if (fp8)
        precs.push_back(P_FP8);

    const bool w_idle = ew_calib_wants(o, "idle"), w_gemm = ew_calib_wants(o, "gemm"),
               w_read = ew_calib_wants(o, "stream_read"),
               w_copy = ew_calib_wants(o, "stream_copy"),
               w_gemv = ew_calib_wants(o, "gemv_batch"), w_attn = ew_calib_wants(o, "attention");
    g.total = (w_idle ? 2 : 0) + (int)stream_bytes.size() * ((w_read ? 1 : 0) + (w_copy ? 1 : 0)) +
              (w_gemm ? (int)(precs.size() * shapes.size() * ms.size()) : 0) +
              (w_gemv ? (int)batches.size() : 0) +
              (w_attn ? (int)(attn_b.size() * attn_l.size()) : 0);
    ew_calib_note(g.out, "gpu plan: %d points of at least %.3g s, about %.0f s in all", g.total,
                  o->min_s, g.total * (o->min_s + 0.4) + (w_idle ? 2 * idle_s : 0));
    if (w_gemm && !fp8)
        ew_calib_note(g.out,
                      "skip gemm fp8: needs compute capability >= 8.9, %s has %d.%d",
                      ew_nvml_name(g.nv), g.prop.major, g.prop.minor);

    /* correctness first */
    if (w_read || w_copy)
        check_stream(g);
    if (w_gemm)
        for (prec p : precs) {
            check_gemm(g, p, 1, 256, 512);
            check_gemm(g, p, 32, 256, 512);
        }
    if (w_gemv) {
        check_gemv(g, 72, 1024, 3);
        check_gemv(g, 72, 1024, 16);
    }
    if (w_attn) {
        check_attention(g, 3, 1000, 64);
        check_attention(g, 2, 1000, 512);
        check_attention(g, 1, 16, 64);
    }

    auto guarded = [&](const char *what, auto &&fn) {
        try {
            fn();
        } catch (const gpu_oom &e) {
            g.done++;
            ew_calib_note(g.out, "skip %s: %s", what, e.msg);
        }
    };
    char what[128];
    if (w_idle)
        run_idle(g, idle_s); /* first: the card as found, before any load */
    for (size_t b : stream_bytes) {
        snprintf(what, sizeof what, "stream_read %zu MiB", b >> 20);
        if (w_read)
            guarded(what, [&] { run_stream(g, false, b); });
        snprintf(what, sizeof what, "stream_copy %zu MiB", b >> 20);
        if (w_copy)
            guarded(what, [&] { run_stream(g, true, b); });
    }
    if (w_gemm)
        for (prec p : precs)
            for (const shape &s : shapes)
                for (int m : ms) {
                    snprintf(what, sizeof what, "gemm %s m=%d n=%d k=%d", prec_name[p], m, s.n,
                             s.k);
                    guarded(what, [&] { run_gemm(g, p, m, s.n, s.k); });
                }
    if (w_gemv)
        for (int b : batches) {
            snprintf(what, sizeof what, "gemv_batch B=%d", b);
            guarded(what, [&] { run_gemv(g, 4096, 14336, b); });
        }
    if (w_attn)
        for (int l : attn_l)
            for (int b : attn_b) {
                snprintf(what, sizeof what, "attention B=%d L=%d", b, l);
                guarded(what, [&] { run_attention(g, b, l); });
            }
    if (w_idle)
        run_idle(g, idle_s); /* last: the card warm from the work */
}

} // namespace

extern "C" int ew_calib_gpu_run(const ew_calib_opts *o, ew_calib_out *out, char *why,
                                size_t why_len)
{
    static const char *const gpu_kernels[] = {"gemm",       "stream_read", "stream_copy",
                                              "gemv_batch", "attention",   "idle"};
    bool any = false;
    for (const char *k : gpu_kernels)
        any = any || ew_calib_wants(o, k);
    if (!any)
        return 0;

    gpu g;
    g.o = o;
    g.out = out;
    if (ew_nvml_open(&g.nv, why, why_len) != 0)
        return -1;
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess || count == 0) {
        snprintf(why, why_len, "no CUDA device: %s",
                 e != cudaSuccess ? cudaGetErrorString(e) : "the driver lists none");
        ew_nvml_close(g.nv);
        return -1;
    }
    if (o->gpu_index >= count) {
        snprintf(why, why_len, "no CUDA device %d: this machine has %d (0..%d)", o->gpu_index,
                 count, count - 1);
        ew_nvml_close(g.nv);
        return -1;
    }
    int rc = 0;
    try {
        CUDA_CHECK(cudaSetDevice(o->gpu_index));
        CUDA_CHECK(cudaGetDeviceProperties(&g.prop, o->gpu_index));
        char pci[32] = "";
        CUDA_CHECK(cudaDeviceGetPCIBusId(pci, (int)sizeof pci, o->gpu_index));
        if (ew_nvml_device_open(g.nv, pci, (unsigned)o->gpu_index, why, why_len) != 0) {
            ew_nvml_close(g.nv);
            return -1;
        }
        g.cc = g.prop.major * 10 + g.prop.minor;
        g.sms = g.prop.multiProcessorCount;
        g.l2 = (size_t)g.prop.l2CacheSize;
        CUDA_CHECK(cudaStreamCreateWithFlags(&g.stream, cudaStreamNonBlocking));
        CUDA_CHECK(cudaEventCreate(&g.e0));
        CUDA_CHECK(cudaEventCreate(&g.e1));
        CUBLAS_CHECK(cublasCreate(&g.blas));
        CUBLAS_CHECK(cublasSetStream(g.blas, g.stream));
        CUBLAS_CHECK(cublasLtCreate(&g.lt));
        CUDA_CHECK(cudaMalloc(&g.lt_ws, g.lt_ws_bytes));

        ew_nvml_state st;
        ew_nvml_state_read(g.nv, &st);
        int rt = 0, drv = 0, blas_v = 0;
        CUDA_CHECK(cudaRuntimeGetVersion(&rt));
        CUDA_CHECK(cudaDriverGetVersion(&drv));
        CUBLAS_CHECK(cublasGetVersion(g.blas, &blas_v));
        ew_calib_note(out,
                      "gpu %d: %s (PCI %s), compute capability %d.%d, %d SMs, L2 %zu MiB, "
                      "%.1f GiB, driver %s (CUDA %d.%d), runtime %d.%d, cuBLAS %d",
                      o->gpu_index, ew_nvml_name(g.nv), pci, g.prop.major, g.prop.minor, g.sms,
                      g.l2 >> 20, (double)g.prop.totalGlobalMem / (1 << 30), ew_nvml_driver(g.nv),
                      drv / 1000, drv % 1000 / 10, rt / 1000, rt % 1000 / 10, blas_v);
        ew_calib_note(out,
                      "gpu energy: %s via %s; counter period %.1f ms (measured); power limit "
                      "%.0f W; SM %.0f MHz, memory %.0f MHz, %.0f C at start",
                      ew_nvml_source(g.nv), ew_nvml_library(g.nv),
                      ew_nvml_counter_period_s(g.nv) * 1e3, st.power_limit_w, st.sm_mhz,
                      st.mem_mhz, st.temp_c);
        run_all(g);
    } catch (const gpu_error &err) {
        snprintf(why, why_len, "%s", err.msg);
        rc = -2;
    } catch (const gpu_oom &err) {
        snprintf(why, why_len, "%s", err.msg);
        rc = -2;
    }
    /* cleanup: unchecked, as nothing measured depends on it */
    if (g.lt_ws)
        cudaFree(g.lt_ws);
    if (g.lt)
        cublasLtDestroy(g.lt);
    if (g.blas)
        cublasDestroy(g.blas);
    if (g.e0)
        cudaEventDestroy(g.e0);
    if (g.e1)
        cudaEventDestroy(g.e1);
    if (g.stream)
        cudaStreamDestroy(g.stream);
    ew_nvml_close(g.nv);
    return rc;
}
