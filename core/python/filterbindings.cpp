// livepix.filters and @livepix.filter: the C++ half (the Python half is
// livepix/filters.py, which is what users call).
//
// A Python filter is a PyFilter: a livepix::Filter holding the Python
// function, registered in the SAME FilterRegistry as C++ plugins, so the app's
// Filters menu, scripts and tests see one list. Python plugins are loaded by a
// loader this module installs in the PluginCatalog (core cannot run Python).
//
// GIL and lock order: every entry point that touches the registry or the
// catalog releases the GIL first. The catalog may call back into Python (the
// loader) and a PyFilter's apply() takes the GIL, so holding the GIL while
// waiting for the catalog's or registry's mutex could deadlock.
//
// Threads that must never wait for the GIL (the app's GUI thread above all)
// may still drop the last reference to a PyFilter or cancel a Python filter's
// run. Both go through the GilQueue below instead of taking the GIL.
#include "bindings.h"

#include <livepix/filtererror.h>
#include <livepix/filterrun.h>
#include <livepix/plugincatalog.h>

#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace livepix::python {

namespace {

/// Work that needs the GIL, handed over by threads that must not wait for it.
/// run() does the work at once when the calling thread holds the GIL;
/// otherwise it queues it and asks the Python thread to run the queue: with a
/// pending call (Py_AddPendingCall: Python's main thread runs it at its next
/// bytecode boundary) and, when an embedding app installed one, a waker (the
/// livepix app posts a job to its idle Python worker, which is Python's main
/// thread there). After Python is finalised the work is dropped (an object
/// it would release is leaked on purpose: there is no interpreter left).
///
/// Threading: run() from any thread, with or without the GIL; it only takes
/// a short internal mutex, never the GIL. runPending() needs the GIL.
class GilQueue {
public:
    using Waker = void (*)();

    static GilQueue &instance()
    {
        static auto *queue = new GilQueue; // leaked: used until process exit
        return *queue;
    }

    void run(std::function<void()> work)
    {
        if (!Py_IsInitialized() || _Py_IsFinalizing())
            return;
        if (PyGILState_Check()) {
            work();
            return;
        }
        bool schedule = false;
        Waker waker = nullptr;
        {
            std::lock_guard lock(m_mutex);
            m_work.push_back(std::move(work));
            schedule = !std::exchange(m_callScheduled, true);
            waker = m_waker;
        }
        if (schedule && Py_AddPendingCall(&GilQueue::pendingCall, nullptr) != 0) {
            std::lock_guard lock(m_mutex);
            m_callScheduled = false; // Python's own queue is full: the waker or the next run() retries
        }
        if (waker)
            waker();
    }

    /// Runs everything queued. GIL held.
    void runPending()
    {
        std::vector<std::function<void()>> work;
        {
            std::lock_guard lock(m_mutex);
            work.swap(m_work);
            m_callScheduled = false;
        }
        for (auto &w : work)
            w();
    }

    void setWaker(Waker waker)
    {
        std::lock_guard lock(m_mutex);
        m_waker = waker;
    }

    std::size_t pendingCount()
    {
        std::lock_guard lock(m_mutex);
        return m_work.size();
    }

private:
    static int pendingCall(void *)
    {
        instance().runPending();
        return 0;
    }

    std::mutex m_mutex;
    std::vector<std::function<void()>> m_work; // guarded by m_mutex
    bool m_callScheduled = false;              // guarded by m_mutex
    Waker m_waker = nullptr;                   // guarded by m_mutex
};

/// Owns one reference to a Python object and may be destroyed on any thread:
/// with the GIL held the reference is dropped at once, otherwise the GilQueue
/// drops it on the Python thread. Use it for Python objects kept by C++
/// objects whose last owner may be a thread that must not wait for the GIL.
class PyRef {
public:
    PyRef() = default;
    explicit PyRef(py::object object) : m_object(object.release().ptr()) {}
    PyRef(const PyRef &) = delete;
    PyRef &operator=(const PyRef &) = delete;
    ~PyRef()
    {
        if (PyObject *object = std::exchange(m_object, nullptr))
            GilQueue::instance().run([object] { Py_DECREF(object); });
    }
    /// A new reference (GIL held).
    py::object get() const { return py::reinterpret_borrow<py::object>(m_object); }

private:
    PyObject *m_object = nullptr;
};

// Set while a Python plugin is being loaded on this thread: @livepix.filter
// then adds to this registrar (so the plugin's filters belong to it and a
// failing plugin registers nothing), instead of directly to the registry.
thread_local PluginRegistrar *t_loadingRegistrar = nullptr;

py::object toPython(const ParamValue &value)
{
    if (auto b = std::get_if<bool>(&value))
        return py::bool_(*b);
    if (auto i = std::get_if<std::int64_t>(&value))
        return py::int_(*i);
    if (auto d = std::get_if<double>(&value))
        return py::float_(*d);
    return py::str(std::get<std::string>(value));
}

ParamValue fromPython(const std::string &name, py::handle value)
{
    if (py::isinstance<py::bool_>(value) || py::type::of(value).attr("__name__").cast<std::string>() == "bool_")
        return value.cast<bool>();
    if (py::isinstance<py::str>(value))
        return value.cast<std::string>();
    if (py::hasattr(value, "__index__"))
        return py::module_::import("operator").attr("index")(value).cast<std::int64_t>();
    if (py::hasattr(value, "__float__"))
        return py::float_(py::reinterpret_borrow<py::object>(value)).cast<double>();
    throw py::type_error("parameter '" + name + "' must be a bool, int, float or str, got " +
                         py::repr(value).cast<std::string>());
}

ParamValues valuesFromDict(const py::dict &params)
{
    ParamValues values;
    for (auto item : params) {
        const std::string name = py::str(item.first);
        values.set(name, fromPython(name, item.second));
    }
    return values;
}

/// A filter implemented by a Python function f(array, **params).
///
/// Threading: apply() may run on any thread; it takes the GIL for the call.
/// Every other member, the destructor and the cancel handler apply()
/// installs NEVER wait for the GIL, so any thread may hold, drop or cancel a
/// PyFilter, including the app's GUI thread: the function's reference is a
/// PyRef (released through the GilQueue when the dropping thread does not
/// hold the GIL) and a cancel is delivered through the GilQueue too.
class PyFilter : public Filter {
public:
    PyFilter(std::string name, py::function function, std::vector<FilterParam> params, std::vector<DType> dtypes,
             std::string description)
        : m_name(std::move(name)), m_function(std::move(function)), m_params(std::move(params)),
          m_dtypes(std::move(dtypes)), m_description(std::move(description))
    {
    }

    std::string name() const override { return m_name; }
    std::string description() const override { return m_description; }
    std::vector<FilterParam> params() const override { return m_params; }
    std::vector<DType> dtypes() const override { return m_dtypes; }

    void apply(const Image &image, const ParamValues &values, FilterContext &context) const override
    {
        py::gil_scoped_acquire gil;
        // Cancel raises KeyboardInterrupt inside the function. `running` is
        // only read and written with the GIL held, so the exception can never
        // be delivered after the function returned. The handler may be
        // called on a thread that must not wait for the GIL (the GUI's
        // Cancel button): the GilQueue sets the exception from the Python
        // thread then.
        const unsigned long thread = PyThread_get_thread_ident();
        auto running = std::make_shared<bool>(true);
        context.setCancelHandler([thread, running] {
            GilQueue::instance().run([thread, running] {
                if (*running)
                    PyThreadState_SetAsyncExc(thread, PyExc_KeyboardInterrupt);
            });
        });
        struct Finish {
            std::shared_ptr<bool> running;
            unsigned long thread;
            FilterContext &context;
            ~Finish()
            {
                *running = false;
                PyThreadState_SetAsyncExc(thread, nullptr); // drop an interrupt that came too late
                context.setCancelHandler({});
            }
        } finish{running, thread, context};

        py::object array = py::module_::import("numpy").attr("asarray")(py::cast(image));
        py::dict kwargs;
        for (const auto &[name, value] : values.values())
            kwargs[py::str(name)] = toPython(value);
        m_function.get()(array, **kwargs);
    }

private:
    std::string m_name;
    PyRef m_function;
    std::vector<FilterParam> m_params;
    std::vector<DType> m_dtypes;
    std::string m_description;
};

/// A parameter declared from Python: the keys of the manifest format.
FilterParam paramFromDict(const py::dict &d)
{
    auto get = [&](const char *key) -> py::object {
        return d.contains(key) ? py::reinterpret_borrow<py::object>(d[key]) : py::none();
    };
    FilterParam p;
    if (get("name").is_none())
        throw py::value_error("a parameter needs a 'name'");
    p.name = py::str(get("name"));
    const std::string type = get("type").is_none() ? "float" : py::str(get("type")).cast<std::string>();
    try {
        p.type = parseParamType(type);
    } catch (const std::invalid_argument &e) {
        throw py::value_error("parameter '" + p.name + "': " + e.what());
    }
    if (!get("label").is_none())
        p.label = py::str(get("label"));
    if (!get("description").is_none())
        p.description = py::str(get("description"));
    if (p.type == ParamType::Bool) {
        p.minimum = 0;
        p.maximum = 1;
    }
    if (!get("min").is_none())
        p.minimum = get("min").cast<double>();
    if (!get("max").is_none())
        p.maximum = get("max").cast<double>();
    if (!get("choices").is_none())
        p.choices = get("choices").cast<std::vector<std::string>>();
    if (get("default").is_none())
        throw py::value_error("parameter '" + p.name + "' needs a 'default'");
    try {
        p.defaultValue = p.coerce(fromPython(p.name, get("default")));
        p.validate();
    } catch (const std::invalid_argument &e) {
        throw py::value_error(e.what());
    }
    return p;
}

py::dict paramToDict(const FilterParam &p)
{
    py::dict d;
    d["name"] = p.name;
    d["type"] = paramTypeName(p.type);
    d["label"] = p.displayLabel();
    if (p.type == ParamType::Int) {
        d["min"] = static_cast<std::int64_t>(p.minimum);
        d["max"] = static_cast<std::int64_t>(p.maximum);
    } else if (p.type == ParamType::Float) {
        d["min"] = p.minimum;
        d["max"] = p.maximum;
    }
    if (p.type == ParamType::Choice)
        d["choices"] = p.choices;
    d["default"] = toPython(p.defaultValue);
    if (!p.description.empty())
        d["description"] = p.description;
    return d;
}

py::dict recordToDict(const PluginRecord &r)
{
    py::dict d;
    d["name"] = r.manifest.name;
    d["kind"] = r.manifest.name.empty() ? "" : pluginKindName(r.manifest.kind);
    d["version"] = r.manifest.version;
    d["state"] = pluginStateName(r.state);
    d["reason"] = r.reason;
    d["filters"] = r.filters;
    d["manifest"] = r.manifestPath;
    return d;
}

py::dict manifestToDict(const PluginManifest &m)
{
    py::dict d;
    d["name"] = m.name;
    d["version"] = m.version;
    d["entry"] = m.entry;
    d["entry_path"] = m.entryPath();
    d["folder"] = m.folder;
    d["manifest"] = m.manifestPath;
    py::list filters;
    for (const auto &f : m.filters)
        filters.append(f.name);
    d["filters"] = filters;
    return d;
}

} // namespace

void bindFilters(py::module_ &m)
{
    using namespace pybind11::literals;
    // pybind11 tries the translator registered last first: the derived
    // FilterCancelled must come after FilterError.
    py::register_exception<FilterError>(m, "FilterError", PyExc_RuntimeError);
    py::register_exception<FilterCancelled>(m, "FilterCancelled", PyExc_KeyboardInterrupt);

    m.attr("PLUGIN_API_VERSION") = pluginApiVersion();

    m.def(
        "_register_filter",
        [](const std::string &name, py::function function, const py::list &params, const py::list &dtypes,
           const std::string &description, bool pointwise, const std::vector<std::string> &lengths) {
            std::vector<FilterParam> declared;
            for (auto p : params)
                declared.push_back(paramFromDict(py::reinterpret_borrow<py::dict>(p)));
            std::vector<DType> types;
            for (auto t : dtypes) {
                try {
                    types.push_back(parseDType(py::str(t).cast<std::string>()));
                } catch (const std::invalid_argument &e) {
                    throw py::value_error(e.what());
                }
            }
            auto filter = std::make_shared<PyFilter>(name, std::move(function), std::move(declared),
                                                     std::move(types), description);
            FilterTraits traits;
            traits.pointwise = pointwise;
            traits.lengths = lengths;
            if (t_loadingRegistrar) {
                t_loadingRegistrar->addFilter(filter, traits);
                return;
            }
            py::gil_scoped_release release;
            try {
                FilterRegistry::instance().add(filter, {}, traits);
            } catch (const std::invalid_argument &e) {
                py::gil_scoped_acquire gil;
                throw py::value_error(e.what());
            }
        },
        "name"_a, "function"_a, "params"_a, "dtypes"_a, "description"_a = "", "pointwise"_a = false,
        "lengths"_a = std::vector<std::string>(),
        "Registers a Python filter (use the @livepix.filter decorator).");

    m.def("_unregister_filter", [](const std::string &name) {
        py::gil_scoped_release release;
        return FilterRegistry::instance().remove(name);
    });

    m.def(
        "_filter_names",
        [] {
            py::gil_scoped_release release;
            PluginCatalog::instance().ensureLoaded();
            return FilterRegistry::instance().names();
        },
        "Names of every registered filter (loads the plugins on first use).");

    m.def(
        "_resolve_params",
        [](const std::string &name, const py::dict &params) {
            const ParamValues given = valuesFromDict(params);
            std::shared_ptr<const Filter> filter;
            {
                py::gil_scoped_release release;
                PluginCatalog::instance().ensureLoaded();
                for (auto &e : FilterRegistry::instance().entries())
                    if (e.filter->name() == name)
                        filter = e.filter;
            }
            if (!filter)
                throw py::key_error("no filter named '" + name + "'");
            const ParamValues values = resolveParams(filter->params(), given); // invalid_argument -> ValueError
            py::dict resolved;
            for (const auto &[key, value] : values.values())
                resolved[py::str(key)] = toPython(value);
            return resolved;
        },
        "Every declared parameter of filter `name`: the given values converted and range-checked "
        "as a run would (resolveParams), the others their defaults.");
    m.def("_filter_info", [](const std::string &name) {
        FilterRegistry::Entry entry;
        {
            py::gil_scoped_release release;
            PluginCatalog::instance().ensureLoaded();
            for (auto &e : FilterRegistry::instance().entries())
                if (e.filter->name() == name)
                    entry = e;
        }
        if (!entry.filter)
            throw py::key_error("no filter named '" + name + "'");
        py::dict d;
        d["name"] = entry.filter->name();
        d["description"] = entry.filter->description();
        d["plugin"] = entry.plugin;
        py::list params, dtypes;
        for (const auto &p : entry.filter->params())
            params.append(paramToDict(p));
        for (DType t : entry.filter->dtypes())
            dtypes.append(dtypeName(t));
        d["params"] = params;
        d["dtypes"] = dtypes;
        d["kind"] = dynamic_cast<const PyFilter *>(entry.filter.get()) ? "python" : "cpp";
        d["pointwise"] = entry.traits.pointwise;
        d["lengths"] = entry.traits.lengths;
        return d;
    });

    // A run's cancel/progress handle (livepix.filters.Run wraps it).
    // Threading: cancel() and progress may be used from any Python thread
    // while the run goes on in another.
    py::class_<FilterContext, std::shared_ptr<FilterContext>>(m, "_FilterContext")
        .def(py::init<>())
        // With the GIL held, a Python filter's cancel handler sets its
        // KeyboardInterrupt at once (no GilQueue round trip: this thread may
        // be Python's main thread, busy waiting for the run).
        .def("cancel", [](FilterContext &c) { c.cancel(); })
        .def_property_readonly("cancelled", &FilterContext::isCancelled)
        .def_property_readonly("progress", &FilterContext::progress);

    m.def(
        "_apply_filter",
        [](const std::string &name, const Image &image, const py::dict &params,
           std::shared_ptr<FilterContext> context) {
            const ParamValues values = valuesFromDict(params);
            if (!context)
                context = std::make_shared<FilterContext>();
            py::gil_scoped_release release;
            PluginCatalog::instance().ensureLoaded();
            auto filter = FilterRegistry::instance().get(name);
            runFilter(*filter, image, values, *context);
        },
        "name"_a, "image"_a, "params"_a, "context"_a = nullptr,
        "Runs a filter on the image in place (GIL released for C++ filters).");

    // --- the plugin catalog ---
    m.def("_set_python_loader", [](py::function load) {
        // The catalog calls this (under its lock, GIL not held) for every
        // Python plugin; `load(manifest_dict)` imports the file, whose
        // @livepix.filter calls land in the registrar.
        // The catalog drops a replaced loader on whatever thread replaces it.
        auto shared = std::make_shared<PyRef>(std::move(load));
        PluginCatalog::Loader loader = [shared](const PluginManifest &manifest, PluginRegistrar &registrar) {
            py::gil_scoped_acquire gil;
            PluginRegistrar *previous = t_loadingRegistrar;
            t_loadingRegistrar = &registrar;
            try {
                shared->get()(manifestToDict(manifest));
            } catch (py::error_already_set &e) {
                t_loadingRegistrar = previous;
                // The loader raises with the message to show (file, line, error).
                throw std::runtime_error(py::str(e.value()).cast<std::string>());
            } catch (...) {
                t_loadingRegistrar = previous;
                throw;
            }
            t_loadingRegistrar = previous;
        };
        // Plugins waiting for this loader load at the next ensureLoaded()
        // (first use from Python, or the app's Filters menu), not here: this
        // runs while `import livepix` is still executing, and plugins use
        // `livepix.filter`.
        py::gil_scoped_release release;
        PluginCatalog::instance().setLoader(PluginKind::Python, std::move(loader));
    });
    // The GilQueue's Python-side entry points: an embedding app installs a
    // waker (a capsule holding a `void (*)()` that must not block and may be
    // called from any thread) and runs the queue from its Python thread when
    // woken; tests look at the queue's length.
    m.def("_set_gil_waker", [](py::object capsule) {
        GilQueue::Waker waker = nullptr;
        if (!capsule.is_none())
            waker = reinterpret_cast<GilQueue::Waker>(
                py::reinterpret_borrow<py::capsule>(capsule).get_pointer());
        GilQueue::instance().setWaker(waker);
    });
    m.def("_run_gil_queue", [] { GilQueue::instance().runPending(); });
    m.def("_gil_queue_length", [] { return GilQueue::instance().pendingCount(); });
    m.def("_load_plugins", [] {
        py::gil_scoped_release release;
        PluginCatalog::instance().load();
    });
    m.def("_ensure_plugins_loaded", [] {
        py::gil_scoped_release release;
        PluginCatalog::instance().ensureLoaded();
    });
    m.def("_reload_plugins", [] {
        py::gil_scoped_release release;
        PluginCatalog::instance().reload();
    });
    m.def("_plugin_records", [] {
        std::vector<PluginRecord> records;
        {
            py::gil_scoped_release release;
            PluginCatalog::instance().ensureLoaded();
            records = PluginCatalog::instance().records();
        }
        py::list list;
        for (const auto &r : records)
            list.append(recordToDict(r));
        return list;
    });
    m.def("_plugin_list_text", [] {
        py::gil_scoped_release release;
        PluginCatalog::instance().ensureLoaded();
        return PluginCatalog::instance().formatList();
    });
    m.def("_plugin_search_paths", [] {
        py::gil_scoped_release release;
        return PluginCatalog::instance().searchPaths();
    });
    m.def("_installed_plugin_folder", [] { return PluginCatalog::installedPluginFolder(); });
    m.def("_set_plugin_search_paths", [](std::vector<std::string> paths) {
        py::gil_scoped_release release;
        PluginCatalog::instance().setSearchPaths(std::move(paths));
    });
}

} // namespace livepix::python
