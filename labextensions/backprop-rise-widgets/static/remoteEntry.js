/*
 * backprop-rise-widgets: a hand-written module-federation container (no build step, no
 * dependencies) that makes ipywidgets 8 work in jupyterlab-rise's live slideshow.
 *
 * Why: jupyterlab-rise (0.43.x) presents a notebook in its own small JupyterLab application.
 * That application does not put @jupyterlab/console into the shared module scope. The widget
 * manager of ipywidgets 8 (@jupyter-widgets/jupyterlab-manager 5.x) imports @jupyterlab/console
 * from that scope, only for its optional IConsoleTracker, so in RISE its module fails to load
 * ("Shared module @jupyterlab/console doesn't exist in shared scope default") and every widget
 * shows as text, e.g. IntSlider(value=3). (jupyterlab-contrib/rise issues #119 and #126.)
 *
 * What: when the host initialises this container with its share scope and the scope has no
 * @jupyterlab/console (only in RISE: JupyterLab itself always has it), register a stand-in
 * module whose IConsoleTracker is a token nobody provides. The widget manager then loads,
 * gets no console tracker (it is optional) and renders widgets in notebooks as usual. In a
 * normal JupyterLab this container does nothing. It contributes no plugins.
 */
var _JUPYTERLAB;
(function () {
  "use strict";
  var NAME = "backprop-rise-widgets";
  var CONSOLE = "@jupyterlab/console";
  var standIn = {
    __esModule: true,
    IConsoleTracker: {
      name: "@jupyterlab/console:IConsoleTracker",
      description: "Stand-in registered by backprop-rise-widgets: no console in RISE."
    }
  };
  var modules = {
    "./extension": { __esModule: true, default: [] }
  };
  _JUPYTERLAB = _JUPYTERLAB === undefined ? {} : _JUPYTERLAB;
  _JUPYTERLAB[NAME] = {
    init: function (shareScope) {
      if (shareScope && !shareScope[CONSOLE]) {
        shareScope[CONSOLE] = {
          "4.99.0": {
            from: NAME,
            eager: false,
            get: function () {
              return Promise.resolve(function () { return standIn; });
            }
          }
        };
      }
    },
    get: function (module) {
      if (!Object.prototype.hasOwnProperty.call(modules, module)) {
        return Promise.reject(new Error("Module " + module + " does not exist in " + NAME));
      }
      return Promise.resolve(function () { return modules[module]; });
    }
  };
})();
