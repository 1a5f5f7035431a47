#include "engine/bundle_format.h"

#include <cstring>

namespace warden::bundle_internal {

namespace {

inline uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

inline uint64_t Step(uint64_t h, uint64_t word) {
  h ^= word * 0x9e3779b97f4a7c15ULL;
  h = Rotl(h, 29);
  return h * 0xff51afd7ed558ccdULL + 0x165667b19e3779f9ULL;
}

}  // namespace

uint64_t ContentHash(const uint8_t* data, size_t size, size_t zero_offset) {
  uint64_t h = 0x6a09e667f3bcc908ULL ^
               (static_cast<uint64_t>(size) * 0xc2b2ae3d27d4eb4fULL);
  size_t pos = 0;
  while (pos < size) {
    unsigned char word_bytes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    const size_t n = size - pos < 8 ? size - pos : 8;
    std::memcpy(word_bytes, data + pos, n);
    if (pos + n > zero_offset && pos < zero_offset + 8) {
      for (size_t i = 0; i < n; ++i) {
        const size_t at = pos + i;
        if (at >= zero_offset && at < zero_offset + 8) word_bytes[i] = 0;
      }
    }
    uint64_t word;
    std::memcpy(&word, word_bytes, 8);
    h = Step(h, word);
    pos += n;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

size_t SlotCountFor(size_t count) {
  size_t slots = 2;
  while (slots < 2 * count) slots <<= 1;
  return slots;
}

}  // namespace warden::bundle_internal
