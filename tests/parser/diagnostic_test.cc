#include "parser/diagnostic.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace warden {
namespace {

Diagnostic Make(Severity severity, int line, int column, std::string message,
                std::string source_line) {
  Diagnostic d;
  d.severity = severity;
  d.location = SourceLocation{"p.warden", line, column};
  d.message = std::move(message);
  d.source_line = std::move(source_line);
  return d;
}

TEST(SourceLocation, Printing) {
  EXPECT_EQ((SourceLocation{"a.warden", 3, 7}).ToString(), "a.warden:3:7");
  EXPECT_EQ((SourceLocation{"a.warden", 3, 0}).ToString(), "a.warden:3");
  EXPECT_EQ((SourceLocation{"a.warden", 0, 0}).ToString(), "a.warden");
}

TEST(Diagnostic, HeadlineAndCaret) {
  Diagnostic d = Make(Severity::kError, 2, 5, "bad `x`", "abc xyz");
  EXPECT_EQ(d.Headline(), "p.warden:2:5: error: bad `x`");
  EXPECT_EQ(d.ToString(), "p.warden:2:5: error: bad `x`\nabc xyz\n    ^");
  Diagnostic w = Make(Severity::kWarning, 1, 1, "hmm", "x");
  EXPECT_EQ(w.ToString(), "p.warden:1:1: warning: hmm\nx\n^");
  Diagnostic no_line = Make(Severity::kError, 1, 1, "m", "");
  EXPECT_EQ(no_line.ToString(), "p.warden:1:1: error: m");
  Diagnostic no_file;
  no_file.message = "m";
  EXPECT_EQ(no_file.Headline(), "error: m");
}

TEST(Diagnostic, CaretKeepsTabsAndSkipsUtf8ContinuationBytes) {
  Diagnostic tab = Make(Severity::kError, 1, 3, "m", "\tab");
  EXPECT_EQ(tab.ToString(), "p.warden:1:3: error: m\n\tab\n\t ^");
  // "é" is two bytes; the caret under `x` (byte column 4) sits after one
  // display column for `é` and one for the space.
  Diagnostic utf8 = Make(Severity::kError, 1, 4, "m", "\xc3\xa9 x");
  EXPECT_EQ(utf8.ToString(), "p.warden:1:4: error: m\n\xc3\xa9 x\n  ^");
}

TEST(Diagnostic, HasErrorsAndFormat) {
  std::vector<Diagnostic> diagnostics;
  EXPECT_FALSE(HasErrors(diagnostics));
  EXPECT_EQ(FormatDiagnostics(diagnostics), "");
  diagnostics.push_back(Make(Severity::kWarning, 1, 1, "w", "a"));
  EXPECT_FALSE(HasErrors(diagnostics));
  diagnostics.push_back(Make(Severity::kError, 2, 2, "e", "bc"));
  EXPECT_TRUE(HasErrors(diagnostics));
  EXPECT_EQ(FormatDiagnostics(diagnostics),
            "p.warden:1:1: warning: w\na\n^\n"
            "p.warden:2:2: error: e\nbc\n ^\n");
}

}  // namespace
}  // namespace warden
