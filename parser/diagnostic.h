// Source locations and diagnostics for policy files and data files.
#ifndef WARDEN_PARSER_DIAGNOSTIC_H_
#define WARDEN_PARSER_DIAGNOSTIC_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace warden {

// A position in an input file. Lines and columns count from 1; columns count
// bytes. A default-constructed location (line 0) means "not from a file".
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  // "file:line:col" (or "file:line" when column is 0).
  std::string ToString() const;

  friend bool operator==(const SourceLocation&,
                         const SourceLocation&) = default;
};

enum class Severity { kError, kWarning };

// One problem found in an input, with where it is and the offending line.
// Messages follow STYLE.md convention 4: lower-case start, no trailing
// period, one line, user text in backticks.
struct Diagnostic {
  Severity severity = Severity::kError;
  SourceLocation location;
  std::string message;
  // The whole offending line (without its newline), for the caret display;
  // may be empty when there is no line to show.
  std::string source_line;

  // "file:line:col: error: message" (or "warning:").
  std::string Headline() const;
  // Headline, then the source line and a caret under the column, each on a
  // line of its own (no trailing newline).
  std::string ToString() const;
};

bool HasErrors(const std::vector<Diagnostic>& diagnostics);

// Joins ToString() of every diagnostic, one per line.
std::string FormatDiagnostics(const std::vector<Diagnostic>& diagnostics);

}  // namespace warden

#endif  // WARDEN_PARSER_DIAGNOSTIC_H_
