// Character classes and small scanning helpers shared by the parsers in this
// folder. Internal: not part of the parser's interface.
#ifndef WARDEN_PARSER_TEXT_INTERNAL_H_
#define WARDEN_PARSER_TEXT_INTERNAL_H_

#include <cstddef>
#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"

namespace warden::parser_internal {

inline bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }
inline bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsAsciiAlpha(char c) { return IsAsciiLower(c) || IsAsciiUpper(c); }
inline bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); }

// Ids, team roles and path segments: [A-Za-z0-9._-].
inline bool IsKeyChar(char c) {
  return IsAsciiAlnum(c) || c == '.' || c == '-' || c == '_';
}

// Custom role names after the first character: [A-Za-z0-9_-].
inline bool IsCustomRoleChar(char c) {
  return IsAsciiAlnum(c) || c == '-' || c == '_';
}

// [a-z0-9_]: lower identifiers after the first character.
inline bool IsLowerIdentChar(char c) {
  return IsAsciiLower(c) || IsAsciiDigit(c) || c == '_';
}

// ASCII whitespace (space, tab, newline, carriage return, vertical tab, form
// feed).
inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

// The largest k such that text[0, k) is a prefix of one of `words`.
inline size_t LongestPrefixAmong(
    absl::string_view text, std::initializer_list<absl::string_view> words) {
  size_t best = 0;
  for (absl::string_view word : words) {
    size_t k = 0;
    while (k < text.size() && k < word.size() && text[k] == word[k]) ++k;
    if (k > best) best = k;
  }
  return best;
}

// `text` with ASCII control characters written as escapes (`\n`, `\t`,
// `\r`, `\xHH`), so that a message quoting user text stays on one line.
inline std::string EscapeControlCharacters(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) {
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    }
  }
  return out;
}

}  // namespace warden::parser_internal

#endif  // WARDEN_PARSER_TEXT_INTERNAL_H_
