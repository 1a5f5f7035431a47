#include "parser/diagnostic.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace warden {

std::string SourceLocation::ToString() const {
  if (line <= 0) return file;
  if (column <= 0) return absl::StrCat(file, ":", line);
  return absl::StrCat(file, ":", line, ":", column);
}

std::string Diagnostic::Headline() const {
  absl::string_view severity_name =
      severity == Severity::kError ? "error" : "warning";
  std::string where = location.ToString();
  if (where.empty()) return absl::StrCat(severity_name, ": ", message);
  return absl::StrCat(where, ": ", severity_name, ": ", message);
}

std::string Diagnostic::ToString() const {
  std::string out = Headline();
  if (source_line.empty()) return out;
  absl::StrAppend(&out, "\n", source_line);
  if (location.column <= 0) return out;
  out.push_back('\n');
  // One display column per character before the caret: UTF-8 continuation
  // bytes take none, and tabs are kept so the caret lines up.
  size_t before = static_cast<size_t>(location.column - 1);
  for (size_t i = 0; i < before; ++i) {
    if (i >= source_line.size()) {
      out.push_back(' ');
      continue;
    }
    unsigned char c = static_cast<unsigned char>(source_line[i]);
    if ((c & 0xC0) == 0x80) continue;
    out.push_back(c == '\t' ? '\t' : ' ');
  }
  out.push_back('^');
  return out;
}

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::kError) return true;
  }
  return false;
}

std::string FormatDiagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    absl::StrAppend(&out, d.ToString(), "\n");
  }
  return out;
}

}  // namespace warden
