// The playground: draw a digit and watch the trained network answer. No kernel, no internet, no framework:
// the network's weights are in the page (the library's own save format, NetworkJson), and the few dozen lines
// under "The network" are the equations of notebooks 05 (the forward pass) and 08 (backpropagation).
(function () {
  'use strict';

  // ───────────── The network: notebook 05 (forward) and notebook 08 (backward), for one input ─────────────

  var activations = {
    sigmoid: { f: function (z) { return 1 / (1 + Math.exp(-z)); },
               df: function (z) { var s = 1 / (1 + Math.exp(-z)); return s * (1 - s); } },
    tanh: { f: Math.tanh, df: function (z) { var t = Math.tanh(z); return 1 - t * t; } },
    relu: { f: function (z) { return z > 0 ? z : 0; }, df: function (z) { return z > 0 ? 1 : 0; } }
  };

  function Network(saved) {
    this.sizes = saved.sizes;
    this.L = saved.weights.length;        // layers l = 1 … L; the input is layer 0
    this.W = [null].concat(saved.weights); // W[l][j][k]: the weight neuron j of layer l puts on neuron k of layer l − 1
    this.b = [null].concat(saved.biases);
    var hidden = activations[saved.activation], output = activations[saved.outputActivation || saved.activation];
    if (!hidden || !output) throw new Error('The playground knows sigmoid, tanh and relu, not ' + saved.activation);
    this.sigma = function (l) { return l === this.L ? output : hidden; };
  }

  // Notebook 05: a⁰ = x; for l = 1 … L, zˡ = Wˡ aˡ⁻¹ + bˡ and aˡ = σ(zˡ).
  Network.prototype.forward = function (x) {
    var a = [x.slice()], z = [null];
    for (var l = 1; l <= this.L; l++) {
      var W = this.W[l], b = this.b[l], sigma = this.sigma(l), previous = a[l - 1];
      var zl = W.map(function (row, j) {
        var sum = 0;
        for (var k = 0; k < row.length; k++) sum += row[k] * previous[k];
        return sum + b[j];
      });
      z.push(zl);
      a.push(zl.map(sigma.f));
    }
    return { z: z, a: a };
  };

  // Notebook 08, with one output neuron aᴸⱼ in place of the cost:
  // BP1 δᴸ = eⱼ ⊙ σ′(zᴸ); BP2 δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ); one step further down, ∂aᴸⱼ/∂x = (W¹)ᵀ δ¹.
  Network.prototype.inputGradient = function (x, j) {
    var pass = this.forward(x), L = this.L, self = this;
    var delta = pass.z[L].map(function (z, i) { return i === j ? self.sigma(L).df(z) : 0; });
    for (var l = L - 1; l >= 0; l--) {
      var W = this.W[l + 1], below = new Array(W[0].length).fill(0);
      for (var i = 0; i < W.length; i++)
        for (var k = 0; k < below.length; k++) below[k] += W[i][k] * delta[i];   // (Wˡ⁺¹)ᵀ δˡ⁺¹
      delta = l === 0 ? below : below.map(function (v, k) { return v * self.sigma(l).df(pass.z[l][k]); });
    }
    return delta;
  };

  // ───────────── Preprocessing: what MNIST's makers did to each scanned digit ─────────────
  // Fit the ink's bounding box into 20×20 pixels, keep the aspect ratio, put the centre of mass at the centre of
  // the 28×28 field, and give each new pixel the average ink of the patch of the drawing it covers (so edges
  // come out grey: anti-aliased). Playground.Preprocess in the C# library does the same, number for number.
  function preprocess(ink, width, height) {
    if (ink.length === 4 * width * height) ink = alphaOf(ink);
    if (ink.length !== width * height) throw new Error('preprocess needs width × height = ' + width * height + ' numbers, not ' + ink.length);
    var mass = 0, mx = 0, my = 0, x0 = width, x1 = -1, y0 = height, y1 = -1;
    for (var y = 0; y < height; y++)
      for (var x = 0; x < width; x++) {
        var v = ink[y * width + x];
        if (!(v > 0)) continue;
        mass += v; mx += v * (x + 0.5); my += v * (y + 0.5);
        if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
      }
    var out = new Array(784).fill(0);
    if (mass === 0) return out;
    var step = Math.max(x1 - x0 + 1, y1 - y0 + 1) / 20;   // drawing pixels per MNIST pixel
    var cx = mx / mass, cy = my / mass;
    var rows = [], columns = [];
    for (var t = 0; t < 28; t++) {
      rows.push(overlaps(cy + (t - 14) * step, step, height));
      columns.push(overlaps(cx + (t - 14) * step, step, width));
    }
    for (var r = 0; r < 28; r++)
      for (var c = 0; c < 28; c++) {
        var sum = 0;
        rows[r].forEach(function (row) {
          columns[c].forEach(function (column) { sum += ink[row.index * width + column.index] * column.part * row.part; });
        });
        out[r * 28 + c] = Math.min(1, sum / (step * step));
      }
    return out;
  }

  // The drawing's pixels i that the interval [start, start + length) covers, with how much of each.
  function overlaps(start, length, count) {
    var end = start + length, parts = [];
    for (var i = Math.max(0, Math.floor(start)); i < Math.min(count, Math.ceil(end)); i++) {
      var part = Math.min(i + 1, end) - Math.max(i, start);
      if (part > 0) parts.push({ index: i, part: part });
    }
    return parts;
  }

  function alphaOf(rgba) {
    var ink = new Array(rgba.length / 4);
    for (var i = 0; i < ink.length; i++) ink[i] = rgba[4 * i + 3] / 255;
    return ink;
  }

  // ───────────── The page ─────────────

  function Playground(root) {
    var self = this;
    function json(selector) { return JSON.parse(root.querySelector(selector).textContent); }
    this.root = root;
    this.network = new Network(json('script.nn-network'));
    var digits = json('script.nn-digits');
    var bytes = atob(digits.pixels);
    this.digits = digits.labels.map(function (label, i) {
      var pixels = new Array(784);
      for (var p = 0; p < 784; p++) pixels[p] = bytes.charCodeAt(i * 784 + p) / 255;
      return { label: label, pixels: pixels };
    });
    this.canvas = root.querySelector('canvas.pg-canvas');
    this.context = this.canvas.getContext('2d', { willReadFrequently: true });
    this.input = new Array(784).fill(0);
    this.target = Number(root.querySelector('select.pg-target').value);
    this.drawDiagram(json('script.nn-diagram'));
    this.listen();
    var linked = /[#&]digit=(\d+)/.exec(location.hash);   // playground.html#digit=42 opens on test digit 42
    this.loadDigit(linked ? Number(linked[1]) % this.digits.length : 0);
    root.setAttribute('data-ready', 'true');
  }

  Playground.prototype.classify = function (pixels) {
    if (!pixels || pixels.length !== this.network.sizes[0]) throw new Error('classify needs ' + this.network.sizes[0] + ' numbers');
    var pass = this.network.forward(Array.from(pixels));
    return { outputs: pass.a[this.network.L], activations: pass.a, weightedSums: pass.z };
  };

  Playground.prototype.inputGradient = function (pixels, digit) { return this.network.inputGradient(Array.from(pixels), digit); };

  Playground.prototype.preprocess = preprocess;

  // The ink on the drawing surface, one number in [0, 1] per canvas pixel, row by row.
  Playground.prototype.canvasPixels = function () {
    return alphaOf(this.context.getImageData(0, 0, this.canvas.width, this.canvas.height).data);
  };

  Playground.prototype.listen = function () {
    var self = this, canvas = this.canvas, drawing = false, last = null, pending = false;
    function point(e) {
      var box = canvas.getBoundingClientRect();
      return { x: (e.clientX - box.left) * canvas.width / box.width, y: (e.clientY - box.top) * canvas.height / box.height };
    }
    function fromDrawing() {
      pending = false;
      self.show(preprocess(self.canvasPixels(), canvas.width, canvas.height));
    }
    canvas.addEventListener('pointerdown', function (e) {
      drawing = true; last = point(e);
      canvas.setPointerCapture(e.pointerId);
      self.stroke(last, last);
      e.preventDefault();
    });
    canvas.addEventListener('pointermove', function (e) {
      if (!drawing) return;
      var next = point(e);
      self.stroke(last, next);
      last = next;
      if (!pending) { pending = true; requestAnimationFrame(fromDrawing); }
    });
    function end() { if (drawing) { drawing = false; fromDrawing(); } }
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    this.root.querySelector('button.pg-clear').addEventListener('click', function () { self.clear(); });
    this.root.querySelector('button.pg-random').addEventListener('click', function () {
      self.loadDigit(Math.floor(Math.random() * self.digits.length));
    });
    this.root.querySelector('select.pg-target').addEventListener('change', function (e) {
      self.target = Number(e.target.value);
      self.targetChosen = true;
      self.show(self.input);
    });
  };

  Playground.prototype.stroke = function (from, to) {
    var c = this.context;
    c.strokeStyle = 'white'; c.lineWidth = this.canvas.width / 14; c.lineCap = 'round'; c.lineJoin = 'round';
    c.beginPath(); c.moveTo(from.x, from.y); c.lineTo(to.x, to.y); c.stroke();
  };

  Playground.prototype.clear = function () {
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.root.querySelector('.pg-source').textContent = 'your drawing';
    this.show(new Array(784).fill(0));
  };

  // A test digit, drawn 10× larger on the surface; the network sees its original 784 pixels.
  Playground.prototype.loadDigit = function (i) {
    var digit = this.digits[i], scale = this.canvas.width / 28, c = this.context;
    c.clearRect(0, 0, this.canvas.width, this.canvas.height);
    for (var p = 0; p < 784; p++) {
      if (digit.pixels[p] === 0) continue;
      c.fillStyle = 'rgba(255,255,255,' + digit.pixels[p] + ')';
      c.fillRect((p % 28) * scale, Math.floor(p / 28) * scale, scale, scale);
    }
    this.root.querySelector('.pg-source').textContent = 'MNIST test digit ' + i + ', labelled ' + digit.label;
    this.show(digit.pixels);
  };

  // Everything on screen for one input: the 28×28 picture, the output bars, the diagram and the gradient.
  Playground.prototype.show = function (pixels) {
    this.input = pixels.slice();
    var result = this.classify(pixels), outputs = result.outputs, root = this.root;
    var predicted = outputs.indexOf(Math.max.apply(null, outputs));
    var empty = pixels.every(function (p) { return p === 0; });
    paint(root.querySelector('canvas.pg-input'), pixels, function (v) { var g = Math.round(255 * v); return [g, g, g]; });
    root.querySelectorAll('.pg-bar').forEach(function (bar, j) {
      bar.querySelector('.pg-fill').style.width = (100 * outputs[j]).toFixed(1) + '%';
      bar.querySelector('.pg-value').textContent = outputs[j].toFixed(3);
      bar.classList.toggle('pg-top', j === predicted);
    });
    var answer = root.querySelector('.pg-answer');
    answer.textContent = empty ? '?' : String(predicted);
    answer.setAttribute('data-digit', empty ? '' : String(predicted));
    root.querySelector('.pg-confidence').textContent = empty ? 'draw a digit' : 'a = ' + outputs[predicted].toFixed(3);
    if (!this.targetChosen) {   // until the student picks a digit, ask about the runner-up
      var ranked = outputs.map(function (a, j) { return [a, j]; }).sort(function (p, q) { return q[0] - p[0]; });
      this.target = ranked[1][1];
      root.querySelector('select.pg-target').value = String(this.target);
    }
    this.showGradient(pixels);
    this.updateDiagram(result, predicted);
  };

  // "What would make it a …?": ∂aᴸⱼ/∂x over the input, blue where more ink raises aᴸⱼ, red where it lowers it.
  Playground.prototype.showGradient = function (pixels) {
    var gradient = this.inputGradient(pixels, this.target);
    var largest = Math.max.apply(null, gradient.map(Math.abs)) || 1;
    paint(this.root.querySelector('canvas.pg-gradient'), gradient, function (g, p) {
      var t = Math.min(1, Math.abs(g) / largest), base = 255 - 90 * pixels[p];   // the digit shows through in grey
      var colour = g >= 0 ? [33, 102, 172] : [178, 24, 43];
      return colour.map(function (c) { return Math.round(base + (c - base) * t); });
    });
    this.root.querySelector('.pg-gradient-scale').textContent = 'largest |∂a/∂x| = ' + largest.toPrecision(3);
  };

  function paint(canvas, values, colour) {
    var c = canvas.getContext('2d'), image = c.createImageData(28, 28);
    values.forEach(function (v, p) {
      var rgb = colour(v, p);
      image.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * p);
    });
    c.putImageData(image, 0, 0);
  }

  // ───────────── The network diagram: Charts.NetworkDiagram's figure, reshaded for each input ─────────────

  Playground.prototype.drawDiagram = function (figure) {
    var net = this.network, data = figure.data;
    this.diagram = this.root.querySelector('.pg-diagram');
    this.layerTraces = {};
    data.forEach(function (trace, t) {
      var m = /^layer (\d+)$/.exec(trace.name || '');
      if (m) this.layerTraces[Number(m[1])] = t;
      if (trace.name === 'prediction') this.ringTrace = t;
      if (trace.type === 'heatmap') this.imageTrace = t;
    }, this);
    // Hover on a connection shows its weight: an invisible point a third of the way along each line drawn.
    for (var l = 2; l <= net.L; l++) {
      var from = data[this.layerTraces[l - 1]], to = data[this.layerTraces[l]], x = [], y = [], text = [];
      to.customdata.forEach(function (cj, jj) {
        from.customdata.forEach(function (ck, kk) {
          var j = cj[1], k = ck[1], t = 0.37;
          x.push(l - 1 + t); y.push(from.y[kk] + t * (to.y[jj] - from.y[kk]));
          text.push('w' + sup(l) + '[' + j + ', ' + k + '] = ' + net.W[l][j][k].toFixed(3) +
            '<br>from neuron ' + k + ' of layer ' + (l - 1) + ' to neuron ' + j + ' of layer ' + l);
        });
      });
      data.push({ type: 'scatter', mode: 'markers', name: 'weights into layer ' + l, x: x, y: y, text: text,
        hovertemplate: '%{text}<extra></extra>', marker: { size: 7, opacity: 0 }, showlegend: false });
    }
    figure.layout.width = undefined;
    figure.layout.autosize = true;
    Plotly.newPlot(this.diagram, data, figure.layout, { responsive: true, displayModeBar: false });
  };

  Playground.prototype.updateDiagram = function (result, predicted) {
    var update = { 'marker.color': [], customdata: [] }, traces = [], L = this.network.L, fig = this.diagram;
    for (var l in this.layerTraces) {
      var trace = fig.data[this.layerTraces[l]];
      var rows = trace.customdata.map(function (old) {
        var j = old[1];
        return [old[0], j, result.activations[l][j], l > 0 ? result.weightedSums[l][j] : result.activations[l][j]];
      });
      update['marker.color'].push(rows.map(function (row) { return row[2]; }));
      update.customdata.push(rows);
      traces.push(this.layerTraces[l]);
    }
    Plotly.restyle(fig, update, traces);
    if (this.imageTrace !== undefined) {
      var image = [];
      for (var r = 0; r < 28; r++) image.push(result.activations[0].slice(28 * r, 28 * r + 28));
      Plotly.restyle(fig, { z: [image] }, [this.imageTrace]);
    }
    var output = fig.data[this.layerTraces[L]], at = output.customdata.findIndex(function (row) { return row[1] === predicted; });
    if (this.ringTrace !== undefined && at >= 0) Plotly.restyle(fig, { y: [[output.y[at]]] }, [this.ringTrace]);
    Plotly.relayout(fig, { 'title.text': this.network.sizes.join('-') + ' network: predicts ' + predicted +
      ' (a = ' + result.outputs[predicted].toFixed(2) + ')' });
  };

  function sup(n) { return String(n).split('').map(function (d) { return '⁰¹²³⁴⁵⁶⁷⁸⁹'[d]; }).join(''); }

  // ───────────── Start every playground on the page; window.playground is the last one ─────────────

  function start() {
    document.querySelectorAll('.nn-playground:not([data-ready])').forEach(function (root) {
      var playground = new Playground(root);
      window.playgrounds = window.playgrounds || {};
      window.playgrounds[root.id] = playground;
      window.playground = {
        classify: function (pixels) { return playground.classify(pixels); },
        preprocess: preprocess,
        inputGradient: function (pixels, digit) { return playground.inputGradient(pixels, digit); },
        canvasPixels: function () { return playground.canvasPixels(); },
        show: function (pixels) { playground.show(Array.from(pixels)); },
        loadDigit: function (i) { playground.loadDigit(i); },
        clear: function () { playground.clear(); },
        input: function () { return playground.input.slice(); },
        digits: playground.digits
      };
    });
  }
  if (window.Plotly) start(); else window.addEventListener('load', start);
})();
