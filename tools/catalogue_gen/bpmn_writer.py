"""Emit a BPMN 2.0 file (semantic model + left-to-right diagram) from a small Python description.

Used only by tools/catalogue_gen/generate.py to write the seed catalogue; the generated .bpmn files
under workflows/ are the deliverable and can be edited afterwards in any BPMN modeler.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}

SIZES = {
    "start": (36, 36),
    "end": (36, 36),
    "user": (100, 80),
    "script": (100, 80),
    "xgw": (50, 50),
    "pgw": (50, 50),
}
TAGS = {
    "start": "startEvent",
    "end": "endEvent",
    "user": "userTask",
    "script": "scriptTask",
    "xgw": "exclusiveGateway",
    "pgw": "parallelGateway",
}

COL_W = 160      # width of one layout column
ROW_H = 130      # height of one row inside a lane
LANE_HEADER = 30  # the vertical band with the lane name
POOL_X, POOL_Y = 160, 80


@dataclass
class Node:
    id: str
    kind: str
    lane: str
    name: str
    en: str | None = None            # English display name (service.yaml labels)
    form: str | None = None
    form_style: str = "formKey"      # formKey | formRef | spiff
    candidate_groups: str | None = None
    script: str | None = None
    last_column: bool = False        # pin to the right-most column (end events)
    incoming: list = field(default_factory=list)
    outgoing: list = field(default_factory=list)


@dataclass
class Flow:
    id: str
    source: str
    target: str
    name: str | None = None
    condition: str | None = None
    default: bool = False
    back: bool = False               # a loop edge: ignored when computing columns


@dataclass
class Process:
    id: str
    name: str
    lanes: list                      # [(lane_id, lane name)] top to bottom
    nodes: dict = field(default_factory=dict)
    flows: list = field(default_factory=list)

    def node(self, id, kind, lane, name, **kw):
        n = Node(id, kind, lane, name, **kw)
        assert id not in self.nodes, id
        self.nodes[id] = n
        return n

    def flow(self, source, target, name=None, condition=None, default=False, back=False):
        fid = f"Flow_{source}_{target}".replace("Task_", "").replace("Gateway_", "Gw_")
        fid = fid.replace("StartEvent_", "Start").replace("EndEvent_", "End")
        assert all(f.id != fid for f in self.flows), fid
        f = Flow(fid, source, target, name, condition, default, back)
        self.flows.append(f)
        self.nodes[source].outgoing.append(fid)
        self.nodes[target].incoming.append(fid)
        return f

    # ------------------------------------------------------------------ layout
    def layout(self):
        # back edges: declared ones plus DFS back edges from the start event
        back = {f.id for f in self.flows if f.back}
        out = {nid: [f for f in self.flows if f.source == nid] for nid in self.nodes}
        state = {}

        def dfs(nid):
            state[nid] = 1
            for f in out[nid]:
                if f.id in back:
                    continue
                if state.get(f.target) == 1:
                    back.add(f.id)
                elif f.target not in state:
                    dfs(f.target)
            state[nid] = 2

        starts = [n.id for n in self.nodes.values() if n.kind == "start"]
        for s in starts:
            dfs(s)
        # longest path layering on the forward edges
        col = {nid: 0 for nid in self.nodes}
        changed = True
        while changed:
            changed = False
            for f in self.flows:
                if f.id in back or self.nodes[f.target].last_column:
                    continue
                if col[f.target] < col[f.source] + 1:
                    col[f.target] = col[f.source] + 1
                    changed = True
        last = max(c for nid, c in col.items() if not self.nodes[nid].last_column)
        for n in self.nodes.values():
            if n.last_column:
                col[n.id] = last
        ncols = max(col.values()) + 1
        # rows within a lane
        row = {}
        lane_rows = {lid: 1 for lid, _ in self.lanes}
        for (lid, _) in self.lanes:
            used = {}
            normal = [n for n in self.nodes.values() if n.lane == lid and not n.last_column]
            pinned = [n for n in self.nodes.values() if n.lane == lid and n.last_column]
            for n in normal:  # declaration order
                r = used.get(col[n.id], 0)
                used[col[n.id]] = r + 1
                row[n.id] = r
                lane_rows[lid] = max(lane_rows[lid], r + 1)
            base = max(used.values(), default=0)
            for k, n in enumerate(pinned):  # pinned (right-most) nodes get their own rows below the path
                row[n.id] = base + k
                lane_rows[lid] = max(lane_rows[lid], base + k + 1)
        self.col, self.row, self.back = col, row, back
        self.lane_y = {}
        y = POOL_Y
        for lid, _ in self.lanes:
            self.lane_y[lid] = y
            y += lane_rows[lid] * ROW_H
        self.lane_h = {lid: lane_rows[lid] * ROW_H for lid, _ in self.lanes}
        self.pool_w = LANE_HEADER + 40 + ncols * COL_W
        self.pool_h = y - POOL_Y
        self.bounds = {}
        for n in self.nodes.values():
            w, h = SIZES[n.kind]
            cx = self.col_cx(col[n.id])
            cy = self.lane_y[n.lane] + row[n.id] * ROW_H + ROW_H // 2
            self.bounds[n.id] = (cx - w // 2, cy - h // 2, w, h)

    def col_cx(self, c):
        return POOL_X + LANE_HEADER + 20 + COL_W // 2 + c * COL_W

    def waypoints(self, f, channel_index):
        sx, sy, sw, sh = self.bounds[f.source]
        tx, ty, tw, th = self.bounds[f.target]
        scx, scy = sx + sw // 2, sy + sh // 2
        tcx, tcy = tx + tw // 2, ty + th // 2
        src = self.nodes[f.source]
        sc, tc = self.col[f.source], self.col[f.target]
        if tc > sc:  # forward
            if scy == tcy:
                return [(sx + sw, scy), (tx, tcy)]
            if src.kind in ("xgw", "pgw") and tc > sc + 1:  # long jump: leave by the top/bottom corner
                ys = sy if tcy < scy else sy + sh
                return [(scx, ys), (scx, tcy), (tx, tcy)]
            xm = scx + COL_W // 2
            return [(sx + sw, scy), (xm, scy), (xm, tcy), (tx, tcy)]
        # backward (or same column): route through the padding above/below the target row
        off = 18 - 6 * channel_index
        if tcy > scy:      # target below (the applicant's answer going back to the front desk): over the top
            yc = sy - 15
            return [(scx, sy), (scx, yc), (tcx, yc), (tcx, ty)]
        if tcy < scy:      # target above (a return to the applicant): come in from below
            yc = ty + th + off
            return [(scx, sy), (scx, yc), (tcx, yc), (tcx, ty + th)]
        yc = ty - off - 10
        return [(scx, sy), (scx, yc), (tcx, yc), (tcx, ty)]

    # ------------------------------------------------------------------ XML
    def to_xml(self, collab_name: str) -> str:
        self.layout()
        L = []
        a = L.append
        a('<?xml version="1.0" encoding="UTF-8"?>')
        a('<bpmn:definitions ' + " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
          + f' id="Definitions_{self.id}" targetNamespace="http://odsc.gov.la/bpmn"'
          + ' exporter="odsc catalogue_gen" exporterVersion="1.0">')
        a(f'  <bpmn:collaboration id="Collaboration_{self.id}">')
        a(f'    <bpmn:participant id="Participant_{self.id}" name={quoteattr(collab_name)} processRef="{self.id}" />')
        a('  </bpmn:collaboration>')
        a(f'  <bpmn:process id="{self.id}" name={quoteattr(self.name)} isExecutable="true">')
        a(f'    <bpmn:laneSet id="LaneSet_{self.id}">')
        for lid, lname in self.lanes:
            a(f'      <bpmn:lane id="{lid}" name={quoteattr(lname)}>')
            for n in self.nodes.values():
                if n.lane == lid:
                    a(f'        <bpmn:flowNodeRef>{n.id}</bpmn:flowNodeRef>')
            a('      </bpmn:lane>')
        a('    </bpmn:laneSet>')
        defaults = {f.source: f.id for f in self.flows if f.default}
        for n in self.nodes.values():
            tag = TAGS[n.kind]
            attrs = f'id="{n.id}" name={quoteattr(n.name)}'
            ext = None
            if n.kind == "user":
                if n.form_style == "formKey":
                    attrs += f' camunda:formKey="{n.form}"'
                elif n.form_style == "formRef":
                    attrs += f' camunda:formRef="{n.form}" camunda:formRefBinding="latest"'
                elif n.form_style == "spiff":
                    ext = ('      <bpmn:extensionElements>\n'
                           '        <spiffworkflow:properties>\n'
                           f'          <spiffworkflow:property name="formJsonSchemaFilename" value="{n.form}-schema.json" />\n'
                           '        </spiffworkflow:properties>\n'
                           '      </bpmn:extensionElements>')
                else:
                    raise ValueError(n.form_style)
                if n.candidate_groups:
                    attrs += f' camunda:candidateGroups="{n.candidate_groups}"'
            if n.kind == "script":
                attrs += ' scriptFormat="python"'
            if n.kind == "xgw" and n.id in defaults:
                attrs += f' default="{defaults[n.id]}"'
            a(f'    <bpmn:{tag} {attrs}>')
            if ext:
                a(ext)
            for fid in n.incoming:
                a(f'      <bpmn:incoming>{fid}</bpmn:incoming>')
            for fid in n.outgoing:
                a(f'      <bpmn:outgoing>{fid}</bpmn:outgoing>')
            if n.kind == "script":
                a(f'      <bpmn:script>{escape(n.script)}</bpmn:script>')
            a(f'    </bpmn:{tag}>')
        for f in self.flows:
            attrs = f'id="{f.id}" sourceRef="{f.source}" targetRef="{f.target}"'
            if f.name:
                attrs += f' name={quoteattr(f.name)}'
            if f.condition:
                a(f'    <bpmn:sequenceFlow {attrs}>')
                a(f'      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(f.condition)}</bpmn:conditionExpression>')
                a('    </bpmn:sequenceFlow>')
            else:
                a(f'    <bpmn:sequenceFlow {attrs} />')
        a('  </bpmn:process>')
        # ---- diagram
        a(f'  <bpmndi:BPMNDiagram id="BPMNDiagram_{self.id}">')
        a(f'    <bpmndi:BPMNPlane id="BPMNPlane_{self.id}" bpmnElement="Collaboration_{self.id}">')
        a(f'      <bpmndi:BPMNShape id="Participant_{self.id}_di" bpmnElement="Participant_{self.id}" isHorizontal="true">')
        a(f'        <dc:Bounds x="{POOL_X}" y="{POOL_Y}" width="{self.pool_w}" height="{self.pool_h}" />')
        a('      </bpmndi:BPMNShape>')
        for lid, _ in self.lanes:
            a(f'      <bpmndi:BPMNShape id="{lid}_di" bpmnElement="{lid}" isHorizontal="true">')
            a(f'        <dc:Bounds x="{POOL_X + LANE_HEADER}" y="{self.lane_y[lid]}" '
              f'width="{self.pool_w - LANE_HEADER}" height="{self.lane_h[lid]}" />')
            a('      </bpmndi:BPMNShape>')
        for n in self.nodes.values():
            x, y, w, h = self.bounds[n.id]
            extra = ' isMarkerVisible="true"' if n.kind == "xgw" else ""
            a(f'      <bpmndi:BPMNShape id="{n.id}_di" bpmnElement="{n.id}"{extra}>')
            a(f'        <dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" />')
            if n.kind in ("start", "end", "xgw", "pgw"):
                # external label below the symbol
                a('        <bpmndi:BPMNLabel>')
                a(f'          <dc:Bounds x="{x + w // 2 - 45}" y="{y + h + 4}" width="90" height="27" />')
                a('        </bpmndi:BPMNLabel>')
            a('      </bpmndi:BPMNShape>')
        channel_use = {}
        for f in self.flows:
            idx = 0
            if self.col[f.target] <= self.col[f.source]:
                key = (f.target,)
                idx = channel_use.get(key, 0)
                channel_use[key] = idx + 1
            pts = self.waypoints(f, idx)
            a(f'      <bpmndi:BPMNEdge id="{f.id}_di" bpmnElement="{f.id}">')
            for px, py in pts:
                a(f'        <di:waypoint x="{px}" y="{py}" />')
            a('      </bpmndi:BPMNEdge>')
        a('    </bpmndi:BPMNPlane>')
        a('  </bpmndi:BPMNDiagram>')
        a('</bpmn:definitions>')
        return "\n".join(L) + "\n"
