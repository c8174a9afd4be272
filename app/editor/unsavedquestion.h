#pragma once
// UnsavedQuestion: "Save changes to NAME?" (Save / Discard / Cancel).
#include <QString>

#include <functional>

class QWidget;

namespace livepix::gui {

enum class UnsavedAnswer { Save, Discard, Cancel };

/// Asks whether to save `name` before its text goes (a new or other script
/// replaces it, the window closes). An injectable function so tests answer
/// without a human (ScriptEditor::setUnsavedQuestion).
using UnsavedQuestion = std::function<UnsavedAnswer(QWidget *parent, const QString &name)>;

/// The default question: a modal QMessageBox over `parent`. GUI thread only.
UnsavedAnswer askWithMessageBox(QWidget *parent, const QString &name);

} // namespace livepix::gui
