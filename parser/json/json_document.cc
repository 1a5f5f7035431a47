#include "parser/json/json_document.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "parser/diagnostic.h"

namespace warden::json_internal {

// nlohmann-json reads its input one byte at a time through this iterator,
// which publishes how many bytes have been read. The parser calls its SAX
// handler right after the token that produced the event, so at a string,
// `{` or `[` event the count is the offset just past that token.
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* p, const char* base, size_t* consumed)
      : p_(p), base_(base), consumed_(consumed) {}

  reference operator*() const { return *p_; }
  CountingIterator& operator++() {
    ++p_;
    *consumed_ = static_cast<size_t>(p_ - base_);
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator old = *this;
    ++*this;
    return old;
  }
  friend bool operator==(const CountingIterator& a, const CountingIterator& b) {
    return a.p_ == b.p_;
  }
  friend bool operator!=(const CountingIterator& a, const CountingIterator& b) {
    return a.p_ != b.p_;
  }

 private:
  const char* p_;
  const char* base_;
  size_t* consumed_;
};

namespace {

// The offset of the opening quote of the string token whose closing quote is
// at `close`: the nearest `"` before it not escaped by a backslash.
size_t OpeningQuote(absl::string_view text, size_t close) {
  size_t p = close;
  while (p > 0) {
    --p;
    if (text[p] != '"') continue;
    size_t backslashes = 0;
    while (backslashes < p && text[p - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return p;
  }
  return 0;
}

// nlohmann's message without its prefix and without any quoted input: the
// `; last read: '...'` part (the raw token, which may be a secret) is cut,
// keeping a final `; expected X` (X one of the lexer's token names).
std::string CleanParseMessage(absl::string_view what) {
  size_t bracket = what.find(']');
  if (bracket != absl::string_view::npos) what.remove_prefix(bracket + 1);
  size_t column = what.find(", column ");
  if (column != absl::string_view::npos) {
    size_t colon = what.find(": ", column);
    if (colon != absl::string_view::npos) what.remove_prefix(colon + 2);
  }
  while (!what.empty() && what.front() == ' ') what.remove_prefix(1);
  if (absl::StartsWith(what, "number overflow")) {
    return "malformed JSON: number overflow";
  }
  std::string expected;
  for (absl::string_view name :
       {"'[', '{', or a literal", "true literal", "false literal",
        "null literal", "string literal", "number literal", "'['", "'{'", "']'",
        "'}'", "':'", "','", "end of input", "unknown token"}) {
    std::string suffix = absl::StrCat("; expected ", name);
    if (absl::EndsWith(what, suffix)) {
      expected = std::move(suffix);
      break;
    }
  }
  size_t last_read = what.find("; last read");
  if (last_read != absl::string_view::npos) {
    return absl::StrCat("malformed JSON: ", what.substr(0, last_read),
                        expected);
  }
  return absl::StrCat("malformed JSON: ", what);
}

const void* Storage(const Json& value) {
  if (const auto* o = value.get_ptr<const Json::object_t*>()) return o;
  if (const auto* a = value.get_ptr<const Json::array_t*>()) return a;
  if (const auto* s = value.get_ptr<const Json::string_t*>()) return s;
  return nullptr;
}

}  // namespace

// Builds the document's DOM from nlohmann's SAX events and records offsets.
class DocumentBuilder {
 public:
  DocumentBuilder(JsonDocument* doc, const size_t* consumed)
      : doc_(doc), consumed_(consumed) {}

  bool null() { return Put(Json(nullptr)) != nullptr; }
  bool boolean(bool v) { return Put(Json(v)) != nullptr; }
  bool number_integer(Json::number_integer_t v) { return Number(Json(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return Number(Json(v)); }
  bool number_float(Json::number_float_t v, const Json::string_t&) {
    return Number(Json(v));
  }
  bool string(Json::string_t& v) {
    Json* node = Put(Json(std::move(v)));
    if (node == nullptr) return false;
    const void* storage = Storage(*node);
    size_t offset = OpeningQuote(doc_->text_, *consumed_ - 1);
    doc_->value_offsets_[storage] = offset;
    doc_->strings_.emplace_back(storage, offset);
    return true;
  }
  bool binary(Json::binary_t&) {
    return Fail("malformed JSON: binary values are not allowed");
  }
  bool start_object(size_t) { return Open(Json(Json::value_t::object)); }
  bool start_array(size_t) { return Open(Json(Json::value_t::array)); }
  bool end_object() {
    stack_.pop_back();
    return true;
  }
  bool end_array() {
    stack_.pop_back();
    return true;
  }
  bool key(Json::string_t& k) {
    auto& object = *stack_.back()->get_ptr<Json::object_t*>();
    size_t offset = OpeningQuote(doc_->text_, *consumed_ - 1);
    auto [it, inserted] = object.emplace(k, nullptr);
    if (!inserted) {
      error_offset_ = offset;
      return Fail(absl::StrCat("malformed JSON: duplicate key ", Quote(k)));
    }
    doc_->key_offsets_[{&object, std::move(k)}] = offset;
    pending_ = &it->second;
    return true;
  }
  bool parse_error(size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) {
    if (!failed_) {
      error_offset_ = position > 0 ? position - 1 : 0;
      Fail(CleanParseMessage(ex.what()));
    }
    return false;
  }

  bool failed() const { return failed_; }
  const std::string& message() const { return message_; }
  size_t error_offset() const { return error_offset_; }

 private:
  bool Fail(std::string message) {
    if (!failed_) {
      failed_ = true;
      message_ = std::move(message);
      if (error_offset_ == kNoOffset) {
        error_offset_ = *consumed_ > 0 ? *consumed_ - 1 : 0;
      }
    }
    return false;
  }

  Json* Put(Json value) {
    if (stack_.empty()) {
      doc_->root_ = std::move(value);
      return &doc_->root_;
    }
    Json* parent = stack_.back();
    if (auto* array = parent->get_ptr<Json::array_t*>()) {
      array->push_back(std::move(value));
      return &array->back();
    }
    *pending_ = std::move(value);
    return pending_;
  }

  bool Number(Json value) {
    if (Put(std::move(value)) == nullptr) return false;
    // The lexer has read one byte past the number (or hit the end).
    doc_->numbers_.push_back(*consumed_ > 0 ? *consumed_ - 1 : 0);
    return true;
  }

  bool Open(Json value) {
    if (stack_.size() >= kMaxJsonDepth) {
      return Fail(absl::StrCat("malformed JSON: nested more than ",
                               kMaxJsonDepth, " levels deep"));
    }
    Json* node = Put(std::move(value));
    doc_->value_offsets_[Storage(*node)] = *consumed_ - 1;
    stack_.push_back(node);
    return true;
  }

  static constexpr size_t kNoOffset = static_cast<size_t>(-1);

  JsonDocument* doc_;
  const size_t* consumed_;
  std::vector<Json*> stack_;
  Json* pending_ = nullptr;
  bool failed_ = false;
  std::string message_;
  size_t error_offset_ = kNoOffset;
};

bool JsonDocument::Parse(absl::string_view text, JsonParseError* error) {
  text_ = text;
  root_ = Json();
  value_offsets_.clear();
  key_offsets_.clear();
  strings_.clear();
  numbers_.clear();
  read_.clear();

  size_t consumed = 0;
  DocumentBuilder builder(this, &consumed);
  const char* base = text.data();
  bool ok = Json::sax_parse(
      CountingIterator(base, base, &consumed),
      CountingIterator(base + text.size(), base, &consumed), &builder,
      nlohmann::json::input_format_t::json, /*strict=*/true,
      /*ignore_comments=*/false);
  if (ok && !builder.failed()) return true;
  error->message =
      builder.failed() ? builder.message() : std::string("malformed JSON");
  error->offset = std::min(builder.error_offset(), text.size());
  root_ = Json();
  return false;
}

std::optional<size_t> JsonDocument::ValueOffset(const Json& value) const {
  const void* storage = Storage(value);
  if (storage == nullptr) return std::nullopt;
  auto it = value_offsets_.find(storage);
  if (it == value_offsets_.end()) return std::nullopt;
  return it->second;
}

std::optional<size_t> JsonDocument::KeyOffset(const Json& object,
                                              absl::string_view key) const {
  const auto* storage = object.get_ptr<const Json::object_t*>();
  if (storage == nullptr) return std::nullopt;
  auto it = key_offsets_.find(
      std::pair<const void*, std::string>(storage, std::string(key)));
  if (it == key_offsets_.end()) return std::nullopt;
  return it->second;
}

size_t JsonDocument::MemberOffset(const Json& object, absl::string_view key,
                                  size_t fallback) const {
  if (auto offset = KeyOffset(object, key)) return *offset;
  return OffsetOr(object, fallback);
}

size_t JsonDocument::OffsetOr(const Json& value, size_t fallback) const {
  return ValueOffset(value).value_or(fallback);
}

std::optional<size_t> JsonDocument::StringByteOffset(const Json& value,
                                                     size_t index) const {
  if (!value.is_string()) return std::nullopt;
  std::optional<size_t> start = ValueOffset(value);
  if (!start) return std::nullopt;
  size_t raw = *start + 1;
  size_t decoded = 0;
  while (decoded < index && raw < text_.size() && text_[raw] != '"') {
    size_t bytes = 1;
    if (text_[raw] != '\\') {
      raw += 1;
    } else if (raw + 1 < text_.size() && text_[raw + 1] == 'u' &&
               raw + 6 <= text_.size()) {
      uint32_t cp = 0;
      for (size_t i = raw + 2; i < raw + 6; ++i) {
        char c = text_[i];
        cp <<= 4;
        if (c >= '0' && c <= '9') cp |= static_cast<uint32_t>(c - '0');
        if (c >= 'a' && c <= 'f') cp |= static_cast<uint32_t>(c - 'a' + 10);
        if (c >= 'A' && c <= 'F') cp |= static_cast<uint32_t>(c - 'A' + 10);
      }
      raw += 6;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        raw += 6;  // the low surrogate's `\uXXXX`
        bytes = 4;
      } else {
        bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
      }
    } else {
      raw += 2;
    }
    decoded += bytes;
  }
  return std::min(raw, text_.size());
}

void JsonDocument::MarkRead(const Json& value) const {
  if (const void* storage = Storage(value)) read_.insert(storage);
}

std::vector<size_t> JsonDocument::UnreadScalarOffsets() const {
  std::vector<size_t> out = numbers_;
  for (const auto& [storage, offset] : strings_) {
    if (!read_.contains(storage)) out.push_back(offset);
  }
  return out;
}

LineIndex::LineIndex(absl::string_view text) : text_(text) {
  starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') starts_.push_back(i + 1);
  }
}

std::pair<int, int> LineIndex::Position(size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  size_t line = static_cast<size_t>(it - starts_.begin());  // >= 1
  return {static_cast<int>(line),
          static_cast<int>(offset - starts_[line - 1]) + 1};
}

absl::string_view LineIndex::Line(int line) const {
  if (line < 1 || static_cast<size_t>(line) > starts_.size()) return {};
  size_t start = starts_[line - 1];
  size_t end = static_cast<size_t>(line) < starts_.size() ? starts_[line] - 1
                                                          : text_.size();
  absl::string_view out = text_.substr(start, end - start);
  if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
  return out;
}

void DiagnosticCollector::SetText(absl::string_view text, int first_line) {
  index_.emplace(text);
  first_line_ = first_line;
}

SourceLocation DiagnosticCollector::Locate(size_t offset) const {
  SourceLocation location;
  location.file = file_name_;
  if (!index_) return location;
  auto [line, column] = index_->Position(offset);
  location.line = first_line_ + line - 1;
  location.column = column;
  return location;
}

void DiagnosticCollector::Add(Severity severity, size_t offset,
                              std::string message) {
  if (diagnostics_.size() >= kMaxDiagnostics) {
    ++(severity == Severity::kError ? dropped_errors_ : dropped_warnings_);
    return;
  }
  Diagnostic d;
  d.severity = severity;
  d.location = Locate(offset);
  d.message = OneLine(message);
  if (index_) {
    d.source_line = std::string(index_->Line(index_->Position(offset).first));
  }
  diagnostics_.push_back(std::move(d));
}

std::vector<Diagnostic> DiagnosticCollector::Finish() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::pair(a.location.line, a.location.column) <
                            std::pair(b.location.line, b.location.column);
                   });
  if (dropped_errors_ + dropped_warnings_ > 0) {
    Diagnostic d;
    d.severity = dropped_errors_ > 0 ? Severity::kError : Severity::kWarning;
    d.location.file = file_name_;
    d.message = absl::StrCat(dropped_errors_, " more errors and ",
                             dropped_warnings_, " more warnings not shown");
    diagnostics_.push_back(std::move(d));
    dropped_errors_ = dropped_warnings_ = 0;
  }
  return std::move(diagnostics_);
}

namespace {

// Appends `text` with control bytes (and, if `backtick`, backticks) escaped.
void AppendEscaped(absl::string_view text, bool backtick, std::string* out) {
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || (backtick && c == '`')) {
      absl::StrAppend(out, absl::StrFormat("\\x%02x", u));
    } else {
      out->push_back(c);
    }
  }
}

// `text` cut to at most `max_bytes`, not splitting a UTF-8 sequence.
absl::string_view Cut(absl::string_view text, size_t max_bytes, bool* cut) {
  *cut = text.size() > max_bytes;
  if (!*cut) return text;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

}  // namespace

std::string OneLine(absl::string_view message) {
  bool cut = false;
  message = Cut(message, 1000, &cut);
  std::string out;
  out.reserve(message.size() + 3);
  AppendEscaped(message, /*backtick=*/false, &out);
  if (cut) out += "...";
  return out;
}

std::string Quote(absl::string_view text) {
  bool cut = false;
  text = Cut(text, 80, &cut);
  std::string out = "`";
  AppendEscaped(text, /*backtick=*/true, &out);
  if (cut) out += "...";
  out += "`";
  return out;
}

absl::string_view JsonTypeName(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "a number";
    default:
      return "a value of another kind";
  }
}

}  // namespace warden::json_internal
