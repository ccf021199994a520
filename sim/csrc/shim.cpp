// C ABI over the verilated zkcopro models. Whole bus transactions run here,
// in C++, so Rust pays one FFI call per transaction rather than per cycle.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <string>
#include <vector>
#include <array>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>
#include "verilated.h"
#include "verilated_fst_c.h"
#include "gtkwave/fstapi.h"
#include "Vzk_top.h"
#include "Vzk_units.h"

namespace {

// splitmix64: seeded, reproducible stall patterns.
struct Rng {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // True with probability pct/100.
    bool chance(uint32_t pct) { return pct >= 100 || (next() % 100) < pct; }
};

// Card memory behind the top's m_axi_* ports: sparse 64 KiB pages (never
// written bytes read as zero), one AXI ID so bursts complete in order.
// The address space is `channels` equal channels of `channel_bytes` (one
// for a DDR4 channel; 32 HBM pseudo-channels), each with its own bandwidth
// and latency: a burst (never crossing 4 KiB, so within one channel) is
// timed by its channel. Timing: a read burst's first beat is ready its
// channel's latency after its AR handshake (plus a seeded random extra
// delay in tests); a channel's read and write beats share
// `bytes_per_cycle_milli` / 1000 bytes per cycle, and the port takes at
// most one beat each way per cycle. A write burst lands when its last beat
// arrives and is answered its channel's latency later (plus the random
// delay). Reads or writes beyond `capacity` answer DECERR (a failed write
// changes nothing). The first `local_channels` channels are the port's own
// switch group; bursts to the others cross the HBM switch's shared lateral
// links and get `remote_bytes_per_cycle_milli` instead.
struct CardMem {
    static constexpr uint64_t PAGE_BITS = 16;
    static constexpr uint64_t PAGE = 1ull << PAGE_BITS;
    static constexpr uint32_t BEAT_BYTES = 32;
    static constexpr uint32_t MAX_OUTSTANDING = 64;
    struct Burst {
        uint64_t addr;
        uint32_t beats;
        uint32_t sent;
        uint64_t ready;
    };
    std::unordered_map<uint64_t, std::unique_ptr<uint8_t[]>> pages;
    uint64_t capacity = 16ull << 30;
    uint64_t channel_bytes = 16ull << 30;
    uint32_t latency = 25;
    uint64_t local_channels = 1;
    uint64_t bytes_per_cycle_milli = 76800;
    uint64_t remote_bytes_per_cycle_milli = 76800;
    uint32_t extra_delay_max = 0;
    uint32_t beat_stall_pct = 0;
    Rng rng{7};
    std::deque<Burst> q;
    // Bandwidth credit per channel, in thousandths of a byte.
    std::vector<int64_t> credit_milli = std::vector<int64_t>(1, 0);
    // Writes: addresses taken, data beats taken (AXI lets data lead), and
    // responses owed (ready cycle, OKAY?).
    struct WriteAddr {
        uint64_t addr;
        uint32_t beats;
    };
    std::deque<WriteAddr> awq;
    std::deque<std::array<uint32_t, 8>> wq;
    std::deque<std::pair<uint64_t, bool>> bq;
    // What the port is driven with this cycle.
    bool arready = false, rvalid = false;
    bool awready = false, wready = false, bvalid = false;

    void configure(uint64_t cap, uint64_t chan_bytes, uint32_t lat, uint64_t local, uint64_t bpc_milli,
                   uint64_t remote_bpc_milli) {
        capacity = cap;
        channel_bytes = std::max<uint64_t>(chan_bytes, 1);
        latency = lat;
        local_channels = local;
        bytes_per_cycle_milli = bpc_milli;
        remote_bytes_per_cycle_milli = remote_bpc_milli;
        uint64_t channels = std::max<uint64_t>(1, (capacity + channel_bytes - 1) / channel_bytes);
        credit_milli.assign(channels, 0);
    }
    // The channel holding `addr` (addresses past the end count as the last).
    size_t channel(uint64_t addr) const {
        return size_t(std::min<uint64_t>(addr / channel_bytes, credit_milli.size() - 1));
    }
    // W beats taken before their burst's address (AXI lets data lead):
    // charged to their channel when the address comes.
    uint64_t uncharged_w = 0;
    // The address of the next W beat, if its burst's AW has come. Every
    // burst whose beats have all arrived has landed (land_writes), so that
    // burst is the oldest one waiting. Only asked with several channels:
    // one channel needs no address to be timed.
    bool next_write_addr(uint64_t* addr) const {
        if (awq.empty()) return false;
        *addr = awq.front().addr + uint64_t(wq.size()) * BEAT_BYTES;
        return true;
    }
    uint8_t* page(uint64_t addr, bool create) {
        auto it = pages.find(addr >> PAGE_BITS);
        if (it != pages.end()) return it->second.get();
        if (!create) return nullptr;
        auto* p = new uint8_t[PAGE]();
        pages.emplace(addr >> PAGE_BITS, std::unique_ptr<uint8_t[]>(p));
        return p;
    }
    void write(uint64_t addr, const uint8_t* src, uint64_t len) {
        while (len > 0) {
            uint64_t off = addr & (PAGE - 1), n = std::min(len, PAGE - off);
            std::memcpy(page(addr, true) + off, src, n);
            addr += n, src += n, len -= n;
        }
    }
    void read(uint64_t addr, uint8_t* dst, uint64_t len) {
        while (len > 0) {
            uint64_t off = addr & (PAGE - 1), n = std::min(len, PAGE - off);
            const uint8_t* p = page(addr, false);
            if (p) std::memcpy(dst, p + off, n);
            else std::memset(dst, 0, n);
            addr += n, dst += n, len -= n;
        }
    }
    // The write handshakes of one edge.
    struct WriteFires {
        bool aw = false, w = false, b = false;
        uint64_t awaddr = 0;
        uint32_t awlen = 0;
        std::array<uint32_t, 8> wdata{};
    };
    // Land every write burst whose beats have all arrived.
    void land_writes(uint64_t now) {
        while (!awq.empty() && wq.size() >= awq.front().beats) {
            WriteAddr a = awq.front();
            awq.pop_front();
            uint64_t end = a.addr + uint64_t(a.beats) * BEAT_BYTES;
            bool ok = end <= capacity && end > a.addr;
            for (uint32_t i = 0; i < a.beats; i++) {
                if (ok) write(a.addr + uint64_t(i) * BEAT_BYTES, reinterpret_cast<const uint8_t*>(wq.front().data()), BEAT_BYTES);
                wq.pop_front();
            }
            uint64_t extra = extra_delay_max ? rng.next() % (extra_delay_max + 1) : 0;
            bq.push_back({now + latency + extra, ok});
        }
    }
    // After a clock edge: take the handshakes that happened at it.
    void edge(bool ar_fire, uint64_t araddr, uint32_t arlen, bool r_fire, const WriteFires& wf, uint64_t now) {
        if (r_fire) {
            credit_milli[channel(q.front().addr)] -= int64_t(BEAT_BYTES) * 1000;
            if (++q.front().sent == q.front().beats) q.pop_front();
        }
        if (ar_fire) {
            uint64_t extra = extra_delay_max ? rng.next() % (extra_delay_max + 1) : 0;
            q.push_back({araddr, arlen + 1, 0, now + latency + extra});
        }
        if (wf.b) bq.pop_front();
        if (wf.w) {
            uint64_t at = 0;
            if (credit_milli.size() == 1) credit_milli[0] -= int64_t(BEAT_BYTES) * 1000;
            else if (next_write_addr(&at)) credit_milli[channel(at)] -= int64_t(BEAT_BYTES) * 1000;
            else uncharged_w++;
            wq.push_back(wf.wdata);
        }
        if (wf.aw) {
            awq.push_back({wf.awaddr, wf.awlen + 1});
            // Beats that came ahead of this address belong to this burst.
            uint64_t n = std::min<uint64_t>(uncharged_w, wf.awlen + 1);
            credit_milli[channel(wf.awaddr)] -= int64_t(n * BEAT_BYTES) * 1000;
            uncharged_w -= n;
        }
        land_writes(now);
        for (size_t ch = 0; ch < credit_milli.size(); ch++) {
            uint64_t rate = ch < local_channels ? bytes_per_cycle_milli : remote_bytes_per_cycle_milli;
            // Up to a read and a write beat of credit: both may go in one cycle.
            credit_milli[ch] = std::min<int64_t>(credit_milli[ch] + int64_t(rate), 2 * int64_t(BEAT_BYTES) * 1000);
        }
    }
    // Whether the channel the next W beat goes to has credit (a beat ahead
    // of its address is taken, and charged when the address comes).
    bool write_credit() const {
        if (credit_milli.size() == 1) return credit_milli[0] >= 0;
        uint64_t at = 0;
        return !next_write_addr(&at) || credit_milli[channel(at)] >= 0;
    }
    // Drive the port for the next cycle; returns whether any input changed.
    template <typename M>
    bool drive(M* m, uint64_t now) {
        if (in_reset) {
            // The card's memory controller is held in reset with the kernel:
            // it takes no request and answers none, so a burst the kernel
            // was in the middle of when the reset came is not half-taken.
            arready = rvalid = awready = wready = bvalid = false;
            m->m_axi_arready = 0;
            m->m_axi_rvalid = 0;
            m->m_axi_awready = 0;
            m->m_axi_wready = 0;
            m->m_axi_bvalid = 0;
            return true;
        }
        bool was_valid = rvalid, was_ready = arready;
        arready = q.size() < MAX_OUTSTANDING;
        rvalid = !q.empty() && now >= q.front().ready && credit_milli[channel(q.front().addr)] >= 0 &&
                 !(beat_stall_pct && rng.chance(beat_stall_pct));
        bool was_awready = awready, was_wready = wready, was_bvalid = bvalid;
        awready = awq.size() < MAX_OUTSTANDING && bq.size() < MAX_OUTSTANDING;
        wready = wq.size() < 2 * MAX_OUTSTANDING && write_credit() &&
                 !(beat_stall_pct && rng.chance(beat_stall_pct));
        bvalid = !bq.empty() && now >= bq.front().first;
        m->m_axi_awready = awready;
        m->m_axi_wready = wready;
        m->m_axi_bvalid = bvalid;
        m->m_axi_bresp = bvalid && !bq.front().second ? 3 : 0;  // DECERR / OKAY
        m->m_axi_arready = arready;
        m->m_axi_rvalid = rvalid;
        if (rvalid) {
            const Burst& b = q.front();
            uint64_t at = b.addr + uint64_t(b.sent) * BEAT_BYTES;
            uint32_t words[8];
            bool ok = at + BEAT_BYTES <= capacity && at >= b.addr;
            if (ok) read(at, reinterpret_cast<uint8_t*>(words), BEAT_BYTES);
            else std::memset(words, 0, sizeof words);
            for (int i = 0; i < 8; i++) m->m_axi_rdata[i] = words[i];
            m->m_axi_rresp = ok ? 0 : 3;  // OKAY / DECERR
            m->m_axi_rlast = b.sent + 1 == b.beats;
        }
        return rvalid || was_valid || arready != was_ready || awready != was_awready || wready != was_wready ||
               bvalid || was_bvalid;
    }
    bool in_reset = false;
    void reset() {
        q.clear();
        awq.clear();
        wq.clear();
        bq.clear();
        std::fill(credit_milli.begin(), credit_milli.end(), 0);
        uncharged_w = 0;
    }
};

}  // namespace

extern "C" {
// What to trace, from Rust (`zkcopro_sim::TraceConfig`). The models are built
// with FST tracing; a VCD is the FST converted when the trace closes.
struct ZkTrace {
    const char* path;
    int vcd;              // convert to VCD at close
    int depth;            // hierarchy levels below `scope` (0: all)
    const char* scope;    // e.g. "TOP.zkcopro_top"; ignored when depth is 0
    uint64_t from, to;    // dump cycles in [from, to)
    uint64_t period_ps;   // clock period the waveform's time axis shows
};
}

namespace {

// Rewrites an FST as VCD with the reader half of GTKWave's fstapi, which
// Verilator's FST writer already compiles in.
bool fst_to_vcd(const std::string& fst, const std::string& vcd) {
    void* xc = fstReaderOpen(fst.c_str());
    if (!xc) return false;
    FILE* fv = std::fopen(vcd.c_str(), "w");
    if (!fv) {
        fstReaderClose(xc);
        return false;
    }
    fstReaderProcessHier(xc, fv);
    fstReaderSetFacProcessMaskAll(xc);
    fstReaderIterBlocks(xc, nullptr, nullptr, fv);
    fstReaderClose(xc);
    std::fclose(fv);
    std::remove(fst.c_str());
    return true;
}

template <typename M>
struct Harness {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<M> m;
    std::unique_ptr<VerilatedFstC> fst;
    std::string fst_path, vcd_path;
    uint64_t from = 0, to = UINT64_MAX, period_ps = 4000;
    uint64_t cycles = 0;
    uint64_t dumps = 0;

    // `clock`: the clock's full name; it is always traced, because
    // Verilator's FST writer crashes on a trace with no signal at all.
    // `rand_reset`: Verilator's initial state for every flop and memory
    // word and for X assignments (0 all zeros, 2 random from `seed`); the
    // model is built with --x-initial unique --x-assign unique, so this is
    // what a power-up gives.
    Harness(const ZkTrace* t, const char* clock, int rand_reset = 0, int seed = 0) : ctx(new VerilatedContext) {
        if (t) ctx->traceEverOn(true);
        ctx->randReset(rand_reset);
        {
            // Verilator reseeds its thread-local generator when any context's
            // seed changes (a process-wide epoch): build one model at a time
            // so another thread's seed cannot cut into this construction.
            static std::mutex construct;
            std::lock_guard<std::mutex> lock(construct);
            Verilated::threadContextp(ctx.get());
            if (rand_reset != 0) ctx->randSeed(seed);
            m.reset(new M(ctx.get()));
        }
        if (!t) return;
        from = t->from;
        to = t->to;
        period_ps = std::max<uint64_t>(t->period_ps, 2);
        fst_path = t->path;
        if (t->vcd) {
            vcd_path = fst_path;
            fst_path += ".fst.tmp";
        }
        fst.reset(new VerilatedFstC);
        if (t->depth > 0) {
            fst->dumpvars(t->depth, t->scope);
            fst->dumpvars(1, clock);
        }
        fst->set_time_unit("1ps");
        fst->set_time_resolution("1ps");
        m->trace(fst.get(), 99);
        fst->open(fst_path.c_str());
    }
    ~Harness() {
        if (fst) {
            fst->close();
            const std::string& out = vcd_path.empty() ? fst_path : vcd_path;
            if (dumps == 0)
                std::fprintf(stderr, "zkcopro: trace %s: the window held no cycles\n", out.c_str());
            if (void* xc = fstReaderOpen(fst_path.c_str())) {
                if (fstReaderGetVarCount(xc) <= 1)
                    std::fprintf(stderr, "zkcopro: trace %s: the scope matched no signals (only the clock is traced)\n", out.c_str());
                fstReaderClose(xc);
            }
            if (!vcd_path.empty() && !fst_to_vcd(fst_path, vcd_path))
                std::fprintf(stderr, "zkcopro: trace %s: converting %s to VCD failed\n", out.c_str(), fst_path.c_str());
        }
        m->final();
    }
    // `falling`: the half cycle after the edge of cycle `cycles`.
    void dump(bool falling) {
        if (fst && cycles >= from && cycles < to) {
            fst->dump(cycles * period_ps + (falling ? period_ps / 2 : 0));
            dumps++;
        }
    }
};

struct Top : Harness<Vzk_top> {
    Rng rng{1};
    uint32_t in_valid_pct = 100;
    uint32_t out_ready_pct = 100;
    CardMem mem;
    // A reset armed to strike when the cycle count reaches `strike_at`, in
    // the middle of whatever transaction runs then (zk_top_strike_reset).
    uint64_t strike_at = UINT64_MAX;
    uint32_t strike_len = 0;
    uint64_t strikes = 0;
    Top(const ZkTrace* p, int rand_reset, int seed) : Harness(p, "TOP.zkcopro_top.ap_clk", rand_reset, seed) {
        m->ap_clk = 0;
        m->ap_rst_n = 1;
        mem.drive(m.get(), 0);
        m->eval();  // settle with the clock low before the first edge
    }
    // Hold ap_rst_n low for n cycles with every master idle, then release.
    void reset(uint32_t n) {
        m->ap_rst_n = 0;
        m->s_axil_awvalid = 0;
        m->s_axil_wvalid = 0;
        m->s_axil_arvalid = 0;
        m->s_axil_bready = 0;
        m->s_axil_rready = 0;
        m->s_axis_tvalid = 0;
        m->s_axis_tlast = 0;
        m->m_axis_tready = 0;
        mem.reset();  // the card's memory controller resets with it (contents stay)
        mem.in_reset = true;
        mem.drive(m.get(), cycles);
        m->eval();
        for (uint32_t i = 0; i < n; i++) tick();
        m->ap_rst_n = 1;
        mem.in_reset = false;
        mem.drive(m.get(), cycles);
        m->eval();
        tick();
    }
    // Whether an armed reset strikes now (it then runs at once).
    bool struck() {
        if (cycles < strike_at) return false;
        strike_at = UINT64_MAX;
        strikes++;
        reset(strike_len);
        return true;
    }
    // One full clock cycle; inputs set (and evaluated) before the call are
    // sampled at the edge. The card memory answers right after it.
    void tick() {
        bool ar_fire = m->m_axi_arvalid && mem.arready;
        bool r_fire = mem.rvalid && m->m_axi_rready;
        uint64_t araddr = m->m_axi_araddr;
        uint32_t arlen = m->m_axi_arlen;
        CardMem::WriteFires wf;
        wf.aw = m->m_axi_awvalid && mem.awready;
        wf.w = m->m_axi_wvalid && mem.wready;
        wf.b = mem.bvalid && m->m_axi_bready;
        wf.awaddr = m->m_axi_awaddr;
        wf.awlen = m->m_axi_awlen;
        for (int i = 0; i < 8; i++) wf.wdata[i] = m->m_axi_wdata[i];
        m->ap_clk = 1;
        m->eval();
        dump(false);
        m->ap_clk = 0;
        m->eval();
        mem.edge(ar_fire, araddr, arlen, r_fire, wf, cycles + 1);
        if (mem.drive(m.get(), cycles + 1)) m->eval();
        dump(true);
        cycles++;
    }
};

struct Units : Harness<Vzk_units> {
    explicit Units(const ZkTrace* p) : Harness(p, "TOP.zkcopro_units.clock") {
        m->clock = 0;
        m->eval();
    }
    void tick() {
        m->clock = 1;
        m->eval();
        dump(false);
        m->clock = 0;
        m->eval();
        dump(true);
        cycles++;
    }
};

template <typename W>
void put256(W& dst, const uint32_t* src) {
    for (int i = 0; i < 8; i++) dst[i] = src[i];
}
template <typename W>
void get256(uint32_t* dst, const W& src) {
    for (int i = 0; i < 8; i++) dst[i] = src[i];
}

}  // namespace

extern "C" {

// Status codes shared with Rust.
enum { ZK_OK = 0, ZK_TIMEOUT = 1, ZK_RANGE = 2, ZK_RESET = 3 };

// `random_seed` 0: every flop starts at zero; else at random values from
// that seed (Verilator's randReset(2), replayable).
Top* zk_top_new(const ZkTrace* trace, uint32_t random_seed) {
    return new Top(trace, random_seed ? 2 : 0, static_cast<int>(random_seed & 0x7FFFFFFF));
}
// Moves the dumped cycle window (e.g. to a job's start, known only then).
void zk_top_trace_window(Top* t, uint64_t from, uint64_t to) {
    t->from = from;
    t->to = to;
}
void zk_top_free(Top* t) { delete t; }
uint64_t zk_top_cycles(const Top* t) { return t->cycles; }
// Verilator renames the port: `interrupt` is a reserved word in its C++.
int zk_top_interrupt(const Top* t) { return t->m->__SYM__interrupt; }

void zk_top_set_stalls(Top* t, uint64_t seed, uint32_t in_valid_pct, uint32_t out_ready_pct) {
    t->rng.s = seed;
    t->in_valid_pct = in_valid_pct;
    t->out_ready_pct = out_ready_pct;
}

// Card memory: capacity and channel size in bytes, first-beat latency in
// cycles, the channels in the port's switch group, and the bandwidth of a
// channel in it and of one beyond, in bytes per cycle x 1000.
void zk_top_mem_config(Top* t, uint64_t capacity, uint64_t channel_bytes, uint32_t latency, uint64_t local_channels,
                       uint64_t bytes_per_cycle_milli, uint64_t remote_bytes_per_cycle_milli) {
    t->mem.configure(capacity, channel_bytes, latency, local_channels, bytes_per_cycle_milli,
                     remote_bytes_per_cycle_milli);
}

// Seeded random memory-response delays: up to `extra_delay_max` more cycles
// per burst, and each beat withheld with probability `beat_stall_pct`%.
void zk_top_mem_delays(Top* t, uint64_t seed, uint32_t extra_delay_max, uint32_t beat_stall_pct) {
    t->mem.rng.s = seed;
    t->mem.extra_delay_max = extra_delay_max;
    t->mem.beat_stall_pct = beat_stall_pct;
}

// Host <-> card-memory copies (the PCIe DMA of a real card; no device cycles).
// Return ZK_RANGE unless [addr, addr + len) lies inside the capacity.
int zk_top_mem_write(Top* t, uint64_t addr, const uint8_t* src, uint64_t len) {
    if (addr > t->mem.capacity || len > t->mem.capacity - addr) return ZK_RANGE;
    t->mem.write(addr, src, len);
    return ZK_OK;
}
int zk_top_mem_read(Top* t, uint64_t addr, uint8_t* dst, uint64_t len) {
    if (addr > t->mem.capacity || len > t->mem.capacity - addr) return ZK_RANGE;
    t->mem.read(addr, dst, len);
    return ZK_OK;
}

void zk_top_idle(Top* t, uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        t->struck();
        t->tick();
    }
}

// Arm a reset of `len` cycles to strike at cycle `at` (UINT64_MAX disarms).
// A transaction it interrupts returns ZK_RESET at once.
void zk_top_strike_reset(Top* t, uint64_t at, uint32_t len) {
    t->strike_at = at;
    t->strike_len = len;
}
// Resets that struck so far.
uint64_t zk_top_strikes(const Top* t) { return t->strikes; }

void zk_top_reset(Top* t, uint32_t n) { t->reset(n); }

// One AXI4-Lite write. Address and data are offered together and held until
// each is accepted; then the response is awaited.
int zk_top_axil_write(Top* t, uint32_t addr, uint32_t data, uint32_t strb, uint64_t timeout,
                      uint32_t* resp) {
    auto* m = t->m.get();
    bool aw_done = false, w_done = false;
    m->s_axil_awaddr = addr;
    m->s_axil_wdata = data;
    m->s_axil_wstrb = strb;
    m->s_axil_bready = 0;
    for (uint64_t c = 0;; c++) {
        if (t->struck()) return ZK_RESET;
        if (c >= timeout) {
            m->s_axil_awvalid = 0;
            m->s_axil_wvalid = 0;
            return ZK_TIMEOUT;
        }
        m->s_axil_awvalid = !aw_done;
        m->s_axil_wvalid = !w_done;
        m->eval();
        bool aw_fire = !aw_done && m->s_axil_awready;
        bool w_fire = !w_done && m->s_axil_wready;
        t->tick();
        aw_done |= aw_fire;
        w_done |= w_fire;
        if (aw_done && w_done) break;
    }
    m->s_axil_awvalid = 0;
    m->s_axil_wvalid = 0;
    m->s_axil_bready = 1;
    for (uint64_t c = 0;; c++) {
        if (t->struck()) return ZK_RESET;
        if (c >= timeout) {
            m->s_axil_bready = 0;
            return ZK_TIMEOUT;
        }
        m->eval();
        bool b_fire = m->s_axil_bvalid;
        if (b_fire) *resp = m->s_axil_bresp;
        t->tick();
        if (b_fire) break;
    }
    m->s_axil_bready = 0;
    return ZK_OK;
}

int zk_top_axil_read(Top* t, uint32_t addr, uint64_t timeout, uint32_t* data, uint32_t* resp) {
    auto* m = t->m.get();
    m->s_axil_araddr = addr;
    m->s_axil_arvalid = 1;
    m->s_axil_rready = 0;
    for (uint64_t c = 0;; c++) {
        if (t->struck()) return ZK_RESET;
        if (c >= timeout) {
            m->s_axil_arvalid = 0;
            return ZK_TIMEOUT;
        }
        m->eval();
        bool ar_fire = m->s_axil_arready;
        t->tick();
        if (ar_fire) break;
    }
    m->s_axil_arvalid = 0;
    m->s_axil_rready = 1;
    for (uint64_t c = 0;; c++) {
        if (t->struck()) return ZK_RESET;
        if (c >= timeout) {
            m->s_axil_rready = 0;
            return ZK_TIMEOUT;
        }
        m->eval();
        bool r_fire = m->s_axil_rvalid;
        if (r_fire) {
            *data = m->s_axil_rdata;
            *resp = m->s_axil_rresp;
        }
        t->tick();
        if (r_fire) break;
    }
    m->s_axil_rready = 0;
    return ZK_OK;
}

// Streams `n_in` beats in (TLAST on the last one if `tlast_on_last`) while
// draining output, until all input is taken and `n_expect` beats came out.
// Random stalls (zk_top_set_stalls) withhold TVALID / TREADY; a master never
// withdraws TVALID once offered. `timeout` bounds the cycles without progress.
int zk_top_stream(Top* t, const uint32_t* in_words, uint64_t n_in, int tlast_on_last,
                  uint32_t* out_words, uint8_t* out_last, uint64_t n_expect, uint64_t timeout,
                  uint64_t* n_in_done, uint64_t* n_out_done) {
    auto* m = t->m.get();
    uint64_t sent = 0, got = 0, idle = 0;
    bool offering = false;
    int status = ZK_OK;
    while (sent < n_in || got < n_expect) {
        if (t->struck()) {
            status = ZK_RESET;
            break;
        }
        if (idle >= timeout) {
            status = ZK_TIMEOUT;
            break;
        }
        if (sent < n_in) {
            if (!offering) offering = t->rng.chance(t->in_valid_pct);
            put256(m->s_axis_tdata, in_words + 8 * sent);
            m->s_axis_tlast = tlast_on_last && sent + 1 == n_in;
        } else {
            offering = false;
            m->s_axis_tlast = 0;
        }
        m->s_axis_tvalid = offering;
        m->m_axis_tready = got < n_expect && t->rng.chance(t->out_ready_pct);
        m->eval();
        bool in_fire = offering && m->s_axis_tready;
        bool out_fire = m->m_axis_tready && m->m_axis_tvalid;
        if (out_fire) {
            get256(out_words + 8 * got, m->m_axis_tdata);
            out_last[got] = m->m_axis_tlast;
        }
        t->tick();
        if (in_fire) {
            sent++;
            offering = false;
        }
        if (out_fire) got++;
        idle = (in_fire || out_fire) ? 0 : idle + 1;
    }
    m->s_axis_tvalid = 0;
    m->s_axis_tlast = 0;
    m->m_axis_tready = 0;
    *n_in_done = sent;
    *n_out_done = got;
    return status;
}

Units* zk_units_new(const ZkTrace* trace) { return new Units(trace); }
void zk_units_free(Units* u) { delete u; }
uint64_t zk_units_cycles(const Units* u) { return u->cycles; }

// Runs `n` cycles. Per cycle i: operands a_fq/b_fq/a_fr/b_fr[8i..8i+8], valid[i].
// Outputs per cycle, sampled just before the rising edge, in `ys[unit]` (8 words
// per cycle) and `valids[unit]` for the units in the order add_fq, sub_fq,
// mul_fast_fq, mul_tiled_fq, add_fr, sub_fr, mul_fast_fr, mul_tiled_fr.
void zk_units_run(Units* u, uint64_t n, const uint32_t* a_fq, const uint32_t* b_fq,
                  const uint32_t* a_fr, const uint32_t* b_fr, const uint8_t* valid,
                  uint32_t* const* ys, uint8_t* const* valids) {
    auto* m = u->m.get();
    for (uint64_t i = 0; i < n; i++) {
        put256(m->a_fq, a_fq + 8 * i);
        put256(m->b_fq, b_fq + 8 * i);
        put256(m->a_fr, a_fr + 8 * i);
        put256(m->b_fr, b_fr + 8 * i);
        m->valid_in = valid[i];
        m->eval();
#define ZK_OUT(k, name)                         \
    get256(ys[k] + 8 * i, m->name##_y);         \
    valids[k][i] = m->name##_valid;
        ZK_OUT(0, add_fq) ZK_OUT(1, sub_fq) ZK_OUT(2, mul_fast_fq) ZK_OUT(3, mul_tiled_fq)
        ZK_OUT(4, add_fr) ZK_OUT(5, sub_fr) ZK_OUT(6, mul_fast_fr) ZK_OUT(7, mul_tiled_fr)
#undef ZK_OUT
        u->tick();
    }
}

// Reads an FST's hierarchy back (to check a written trace): the full dotted
// names of its signals (without bit ranges), newline-separated, into `names` (at most `cap` bytes,
// NUL-terminated), and its first and last timestamps. Returns the number of
// signals, or -1 if the file is not a readable FST.
int64_t zk_fst_summary(const char* path, char* names, uint64_t cap, uint64_t* start, uint64_t* end) {
    void* xc = fstReaderOpen(path);
    if (!xc) return -1;
    *start = fstReaderGetStartTime(xc);
    *end = fstReaderGetEndTime(xc);
    std::string out, scope;
    std::vector<size_t> marks;
    int64_t n = 0;
    while (const fstHier* h = fstReaderIterateHier(xc)) {
        if (h->htyp == FST_HT_SCOPE) {
            marks.push_back(scope.size());
            if (!scope.empty()) scope += '.';
            scope += h->u.scope.name;
        } else if (h->htyp == FST_HT_UPSCOPE && !marks.empty()) {
            scope.resize(marks.back());
            marks.pop_back();
        } else if (h->htyp == FST_HT_VAR) {
            // Vector names carry their range ("data [31:0]"); keep the name.
            std::string name(h->u.var.name);
            out += scope + '.' + name.substr(0, name.find(' ')) + '\n';
            n++;
        }
    }
    fstReaderClose(xc);
    if (cap > 0) {
        size_t len = std::min<size_t>(out.size(), cap - 1);
        std::memcpy(names, out.data(), len);
        names[len] = 0;
    }
    return n;
}

}  // extern "C"
