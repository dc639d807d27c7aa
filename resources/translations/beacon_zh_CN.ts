<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Actions</name>
    <message>
        <location filename="../../console/shortcuts.py" line="30"/>
        <source>New call</source>
        <translation>新建接警</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="32"/>
        <source>Dispatch the selected/recommended units</source>
        <translation>调派选中/推荐的力量</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="34"/>
        <source>Go to the incident queue</source>
        <translation>转到事件队列</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="35"/>
        <source>Go to the resource roster</source>
        <translation>转到力量名册</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="37"/>
        <source>Go to the map</source>
        <translation>转到地图</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="38"/>
        <source>Go to the dispatch panel</source>
        <translation>转到调度面板</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="40"/>
        <source>Next incident</source>
        <translation>下一个事件</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="41"/>
        <source>Previous incident</source>
        <translation>上一个事件</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="44"/>
        <source>Change the status or priority of the incident</source>
        <translation>更改事件状态或优先级</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="47"/>
        <source>Change the status of the selected unit</source>
        <translation>更改选中力量的状态</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="50"/>
        <source>Acknowledge the selected (or oldest) alarm</source>
        <translation>确认所选（或最早的）警报</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="52"/>
        <source>Light / dark theme</source>
        <translation>浅色 / 深色主题</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="53"/>
        <source>Switch language (English / 中文)</source>
        <translation>切换语言（English / 中文）</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="55"/>
        <source>Reset the panel layout</source>
        <translation>恢复默认面板布局</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="56"/>
        <source>Keyboard shortcuts</source>
        <translation>快捷键一览</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="57"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>AlarmList</name>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="62"/>
        <source>New priority-1 incident</source>
        <translation>新的一级事件</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="63"/>
        <source>Response standard about to be breached</source>
        <translation>即将超出响应时限</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="65"/>
        <source>Unit emergency</source>
        <translation>单位紧急求助</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="66"/>
        <source>Playbook step overdue</source>
        <translation>预案步骤逾期</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="67"/>
        <source>Sensor silent</source>
        <translation>传感器失联</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="68"/>
        <location filename="../../console/panels/alarm_list.py" line="444"/>
        <source>Alarm</source>
        <translation>警报</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="236"/>
        <source>%1 × %2</source>
        <translation>%1 × %2</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="257"/>
        <source>… and %1 more</source>
        <translation>… 另有 %1 条</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="275"/>
        <source>%1 (readings resumed at %2)</source>
        <translation>%1（%2 已恢复读数）</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="287"/>
        <source>Escalated</source>
        <translation>已升级</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="287"/>
        <source>Waiting</source>
        <translation>待确认</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="320"/>
        <source>Escalated alarms, not acknowledged in time: %1. A supervisor must answer.</source>
        <translation>未及时确认、已升级的警报：%1 条。须由值班主管处理。</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="323"/>
        <source>Alarms waiting for acknowledgement: %1</source>
        <translation>待确认的警报：%1 条</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="394"/>
        <source>Refused: %1</source>
        <translation>被拒绝：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="443"/>
        <source>Raised (%1)</source>
        <translation>发生时间 (%1)</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="444"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="444"/>
        <source>About</source>
        <translation>相关</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="445"/>
        <source>Acknowledge (F9)</source>
        <translation>确认 (F9)</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="446"/>
        <source>Acknowledge the selected alarm or group; with nothing selected, the oldest</source>
        <translation>确认所选警报或警报组；未选择时确认最早的</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="451"/>
        <source>Sound muted</source>
        <translation>已静音</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="452"/>
        <source>Mute sound</source>
        <translation>静音</translation>
    </message>
    <message>
        <location filename="../../console/panels/alarm_list.py" line="453"/>
        <source>Mutes this workstation&apos;s alarm sound (logged); alarms still wait for acknowledgement</source>
        <translation>关闭本工作站的警报声音（记入日志）；警报仍需确认</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../../console/status.py" line="19"/>
        <source>Demo shift</source>
        <translation>演示班次</translation>
    </message>
    <message>
        <location filename="../../console/status.py" line="20"/>
        <source>Morning rush</source>
        <translation>早高峰</translation>
    </message>
    <message>
        <location filename="../../console/status.py" line="43"/>
        <source>Mode banner</source>
        <translation>模式提示条</translation>
    </message>
    <message>
        <location filename="../../console/status.py" line="50"/>
        <source>DEMO: not a real emergency. Signed in automatically as &apos;%1&apos;; not for real operations.</source>
        <translation>演示模式：非真实警情。已自动以“%1”身份登录，不得用于实战。</translation>
    </message>
    <message>
        <location filename="../../console/status.py" line="57"/>
        <source>DRILL: exercise only, not a real emergency. %1</source>
        <translation>演练模式：仅供演练，非真实警情。%1</translation>
    </message>
</context>
<context>
    <name>Beacon</name>
    <message>
        <location filename="../../console/vocabulary.py" line="155"/>
        <source>Available</source>
        <translation>待命</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="156"/>
        <source>Dispatched</source>
        <translation>已调派</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="157"/>
        <source>En route</source>
        <translation>途中</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="158"/>
        <source>On scene</source>
        <translation>已到场</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="159"/>
        <source>Transporting</source>
        <translation>转运中</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="160"/>
        <source>Out of service</source>
        <translation>停勤</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="161"/>
        <source>P%1</source>
        <translation>P%1</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="162"/>
        <source>Fire</source>
        <translation>消防</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="163"/>
        <source>Ambulance</source>
        <translation>急救</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="164"/>
        <source>Police</source>
        <translation>公安</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="165"/>
        <source>Rescue</source>
        <translation>救援</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="166"/>
        <source>Community</source>
        <translation>社区</translation>
    </message>
</context>
<context>
    <name>CallTakingForm</name>
    <message>
        <location filename="../../console/panels/call_taking.py" line="225"/>
        <source>&amp;Caller</source>
        <translation>报警人(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="225"/>
        <source>Call&amp;back</source>
        <translation>回拨电话(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="226"/>
        <source>&amp;Address</source>
        <translation>地址(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="226"/>
        <source>&amp;Type</source>
        <translation>事件类型(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="227"/>
        <source>&amp;Priority</source>
        <translation>优先级(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="227"/>
        <source>&amp;What happened</source>
        <translation>警情描述(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="234"/>
        <source>Name of the caller</source>
        <translation>报警人姓名</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="235"/>
        <source>e.g. +86 138 0000 0000</source>
        <translation>例如 +86 138 0000 0000</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="236"/>
        <source>Street address, or latitude, longitude</source>
        <translation>街道地址，或经纬度（纬度在前）</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="237"/>
        <source>What the caller reports</source>
        <translation>报警人所述情况</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="238"/>
        <source>— choose the incident type —</source>
        <translation>— 请选择事件类型 —</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="244"/>
        <source>P1 highest</source>
        <translation>P1 最高</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="244"/>
        <source>P5 lowest</source>
        <translation>P5 最低</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="246"/>
        <source>Pick on map</source>
        <translation>地图选点</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="247"/>
        <source>Click here, then on the map, to set the location</source>
        <translation>先点此按钮，再在地图上点击，即可确定位置</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="248"/>
        <source>Create incident</source>
        <translation>创建事件</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="249"/>
        <source>Open the incident (Enter)</source>
        <translation>立案（回车）</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="250"/>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="251"/>
        <source>Attach call to it</source>
        <translation>并入该事件</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="252"/>
        <source>Create new incident anyway</source>
        <translation>仍然新建事件</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="291"/>
        <source>This map has no latitude and longitude: type a street address or click the map.</source>
        <translation>此地图没有经纬度：请输入街道地址或在地图上点选。</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="296"/>
        <source>Off the map, %1 km away: check it, latitude comes first.</source>
        <translation>不在地图上（相距 %1 公里）：请核对，纬度在前。</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="303"/>
        <source>Pick a known address from the list.</source>
        <translation>请从列表中选择已知地址。</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="306"/>
        <source>outside every grid cell</source>
        <translation>不在任何网格内</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="307"/>
        <source>Grid cell %1 %2 · community %3 · grid worker %4</source>
        <translation>网格 %1 %2 · 社区 %3 · 网格员 %4</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="319"/>
        <source>Location from the map: %1</source>
        <translation>已从地图取点：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="355"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="384"/>
        <source>only digits, spaces, +, - and parentheses.</source>
        <translation>只能包含数字、空格、+、- 和括号。</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="394"/>
        <source>at most %1 characters; the rest was cut off.</source>
        <translation>最多 %1 个字符，超出部分已截去。</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="405"/>
        <source>not a known address: choose one from the suggestions or click the map.</source>
        <translation>地址无法识别：请从联想列表中选择，或在地图上点选。</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="408"/>
        <source>enter where the incident is.</source>
        <translation>请输入事发地址。</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="411"/>
        <source>choose the incident type.</source>
        <translation>请选择事件类型。</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="423"/>
        <source>The call was not recorded: check %1.</source>
        <translation>接警未记录：请检查 %1。</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="469"/>
        <source>Reference code for the caller of %1:</source>
        <translation>%1 报警人的报告编号：</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="471"/>
        <source>Read it out now: it is not shown again. The caller follows the report with it on the public page.</source>
        <translation>请现在向报警人读出：此编号不会再次显示。报警人可凭它在公众服务页面查询处置进度。</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="474"/>
        <source>It is also being sent to the callback number by text message, with each change of the report&apos;s status.</source>
        <translation>编号也将以短信发送到回拨号码，报告状态每次变化都会短信告知。</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="485"/>
        <source>refused: %1</source>
        <translation>被拒绝：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="459"/>
        <source>Incident %1 created</source>
        <translation>已创建事件 %1</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="492"/>
        <source>Likely the same incident: %1 %2 at %3, %4 m away, reported %5 min ago (%6 calls).</source>
        <translation>可能是同一事件：%1 %2，位于 %3，相距 %4 米，%5 分钟前报警（已接 %6 次来电）。</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="497"/>
        <source>%1 more nearby.</source>
        <translation>附近另有 %1 起。</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="499"/>
        <source>Attach call to %1</source>
        <translation>并入 %1</translation>
    </message>
    <message>
        <location filename="../../console/panels/call_taking.py" line="518"/>
        <source>Call attached to %1</source>
        <translation>来电已并入 %1</translation>
    </message>
</context>
<context>
    <name>CheatSheet</name>
    <message>
        <location filename="../../console/shortcuts.py" line="103"/>
        <source>Keyboard shortcuts</source>
        <translation>快捷键一览</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="104"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../console/shortcuts.py" line="104"/>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
</context>
<context>
    <name>ClosuresLayer</name>
    <message>
        <location filename="../../console/map/closures_layer.py" line="88"/>
        <source>%1 closed</source>
        <translation>%1 已封闭</translation>
    </message>
    <message>
        <location filename="../../console/map/closures_layer.py" line="104"/>
        <source>evacuating</source>
        <translation>正在疏散</translation>
    </message>
</context>
<context>
    <name>CommunityNotice</name>
    <message>
        <location filename="../../console/community_notice.py" line="40"/>
        <source>Report</source>
        <translation>上报事项</translation>
    </message>
    <message>
        <location filename="../../console/community_notice.py" line="42"/>
        <source>no grid worker</source>
        <translation>无网格员</translation>
    </message>
    <message>
        <location filename="../../console/community_notice.py" line="43"/>
        <source>Community report %1 from a resident: %2 in cell %3, for grid worker %4 (low priority; on the map&apos;s Reports layer)</source>
        <translation>居民上报 %1：网格 %3 的%2，交网格员 %4 处理（非紧急；见地图“上报事项”图层）</translation>
    </message>
    <message>
        <location filename="../../console/community_notice.py" line="65"/>
        <source>Community reports: %1</source>
        <translation>居民上报：%1</translation>
    </message>
    <message>
        <location filename="../../console/community_notice.py" line="67"/>
        <source>Open reports residents filed on the public page (a blocked fire lane, a street light): low priority, for the cells&apos; grid workers; on the map&apos;s Reports layer</source>
        <translation>居民在公众页面提交、尚未办结的上报（消防通道堵塞、路灯故障等）：非紧急，由各网格员处理；见地图“上报事项”图层</translation>
    </message>
</context>
<context>
    <name>Coordinates</name>
    <message>
        <location filename="../../console/vocabulary.py" line="136"/>
        <source>%1° N</source>
        <translation>北纬 %1°</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="137"/>
        <source>%1° S</source>
        <translation>南纬 %1°</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="138"/>
        <source>%1° E</source>
        <translation>东经 %1°</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="139"/>
        <source>%1° W</source>
        <translation>西经 %1°</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="140"/>
        <source>%1, %2</source>
        <translation>%1，%2</translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <location filename="../../console/dashboard.py" line="200"/>
        <source>Open incidents by priority</source>
        <translation>按优先级统计的未结事件</translation>
    </message>
    <message>
        <location filename="../../console/dashboard.py" line="202"/>
        <source>time (%1)</source>
        <translation>时间（%1）</translation>
    </message>
    <message>
        <location filename="../../console/dashboard.py" line="206"/>
        <source>Response times (call to first on scene)</source>
        <translation>响应时间（接警至首支力量到场）</translation>
    </message>
    <message>
        <location filename="../../console/dashboard.py" line="207"/>
        <source>minutes</source>
        <translation>分钟</translation>
    </message>
    <message>
        <location filename="../../console/dashboard.py" line="208"/>
        <source>Incidents</source>
        <translation>事件数</translation>
    </message>
    <message>
        <location filename="../../console/dashboard.py" line="210"/>
        <source>within standard</source>
        <translation>达标</translation>
    </message>
    <message>
        <location filename="../../console/dashboard.py" line="211"/>
        <source>late</source>
        <translation>超时</translation>
    </message>
    <message>
        <location filename="../../console/dashboard.py" line="212"/>
        <source>Units by status</source>
        <translation>力量状态分布</translation>
    </message>
    <message>
        <location filename="../../console/dashboard.py" line="213"/>
        <source>Units</source>
        <translation>力量数</translation>
    </message>
    <message>
        <location filename="../../console/dashboard.py" line="216"/>
        <source>All types</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location filename="../../console/dashboard.py" line="220"/>
        <source>Response times for</source>
        <translation>响应时间统计范围</translation>
    </message>
    <message>
        <location filename="../../console/dashboard.py" line="353"/>
        <source>standard %1 min</source>
        <translation>标准 %1 分钟</translation>
    </message>
    <message>
        <location filename="../../console/dashboard.py" line="356"/>
        <source>no unit on scene yet</source>
        <translation>尚无力量到场</translation>
    </message>
    <message>
        <location filename="../../console/dashboard.py" line="359"/>
        <source>%1 incidents, %2% within standard, median %3 min, 90%: %4 min</source>
        <translation>%1 起事件，%2% 达标，中位数 %3 分钟，90% 分位 %4 分钟</translation>
    </message>
</context>
<context>
    <name>DecisionPanel</name>
    <message>
        <location filename="../../console/decision_panel.py" line="153"/>
        <source>Change the response level</source>
        <translation>调整响应级别</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="154"/>
        <source>Evacuate grid cells</source>
        <translation>转移网格内人员</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="155"/>
        <source>Close a road</source>
        <translation>封闭道路</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="156"/>
        <source>Request mutual aid</source>
        <translation>请求增援</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="157"/>
        <source>Approve a public notice</source>
        <translation>审核公共通知</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="158"/>
        <source>Free text</source>
        <translation>其他事项</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="162"/>
        <source>Commander</source>
        <translation>指挥长</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="162"/>
        <source>Fire</source>
        <translation>消防</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="163"/>
        <source>Medical</source>
        <translation>医疗</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="163"/>
        <source>Police</source>
        <translation>公安</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="164"/>
        <source>Community / grid</source>
        <translation>社区 / 网格</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="165"/>
        <source>Public information</source>
        <translation>信息发布</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="169"/>
        <source>open</source>
        <translation>待决</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="169"/>
        <source>accepted</source>
        <translation>已批准</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="170"/>
        <source>rejected</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="175"/>
        <source>My seat:</source>
        <translation>我的席位：</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="189"/>
        <source>Why (what you propose and the reason)</source>
        <translation>提议内容及理由</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="190"/>
        <source>Propose</source>
        <translation>提出</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="191"/>
        <source>Comment on the selected proposal</source>
        <translation>对选中的提议发表意见</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="192"/>
        <source>Comment</source>
        <translation>发表意见</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="193"/>
        <source>Vote approve</source>
        <translation>表决：同意</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="194"/>
        <source>Vote reject</source>
        <translation>表决：反对</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="195"/>
        <source>Decide: accept</source>
        <translation>决定：批准</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="196"/>
        <source>Decide: reject</source>
        <translation>决定：驳回</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="197"/>
        <source>Only the commander&apos;s seat decides</source>
        <translation>只有指挥长席位可以作出决定</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="202"/>
        <source>level, e.g. II</source>
        <translation>级别，例如 II</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="203"/>
        <source>grid cells, e.g. C-0101, C-0102</source>
        <translation>网格编号，例如 C-0101, C-0102</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="204"/>
        <source>road, e.g. Jiefang Road</source>
        <translation>道路，例如 解放路</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="205"/>
        <source>e.g. ambulance:2, fire_engine:1 @ Eastside EMS</source>
        <translation>例如 ambulance:2, fire_engine:1 @ 东区急救中心</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="206"/>
        <source>a notice drafted in the notices panel, e.g. N-00001</source>
        <translation>在公共通知面板起草的通知，例如 N-00001</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="207"/>
        <source>(nothing needed)</source>
        <translation>（无需填写）</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="210"/>
        <source>level, one of: %1</source>
        <translation>级别，可选：%1</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="260"/>
        <source>%1 · %2 %3 · %4 · %5 approve / %6 reject</source>
        <translation>%1 · %2 %3 · %4 · %5 同意 / %6 反对</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="269"/>
        <source>%1 (revision %2): %3</source>
        <translation>%1（第 %2 版）：%3</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="276"/>
        <source>Select an incident to see and raise proposals.</source>
        <translation>选择一个事件以查看和提出决策提议。</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="280"/>
        <source>%1: joint decisions</source>
        <translation>%1：会商决策</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="301"/>
        <source>No proposal yet. Choose what to propose below.</source>
        <translation>暂无提议。请在下方选择要提议的事项。</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="305"/>
        <source>Proposed by %1 (%2) at %3</source>
        <translation>%1（%2）于 %3 提出</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="310"/>
        <source>%1 %2 (%3): %4</source>
        <translation>%1 %2（%3）：%4</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="313"/>
        <source>approves</source>
        <translation>同意</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="313"/>
        <source>rejects</source>
        <translation>反对</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="314"/>
        <source>%1 %2 (%3) %4</source>
        <translation>%1 %2（%3）%4</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="318"/>
        <source>Decided %1 by %2 at %3</source>
        <translation>%2 于 %3 决定：%1</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="336"/>
        <source>Select a proposal first.</source>
        <translation>请先选择一个提议。</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="341"/>
        <source>Select an incident first.</source>
        <translation>请先选择一个事件。</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="352"/>
        <source>Proposal %1 raised.</source>
        <translation>已提出提议 %1。</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="360"/>
        <source>Comment recorded.</source>
        <translation>意见已记录。</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="366"/>
        <source>Vote recorded.</source>
        <translation>表决已记录。</translation>
    </message>
    <message>
        <location filename="../../console/decision_panel.py" line="379"/>
        <source>%1 decided.</source>
        <translation>%1 已决定。</translation>
    </message>
</context>
<context>
    <name>DeliveryText</name>
    <message>
        <location filename="../../console/panels/notice_deliveries.py" line="34"/>
        <source>webhook</source>
        <translation>Webhook 推送</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_deliveries.py" line="34"/>
        <source>MQTT</source>
        <translation>MQTT</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_deliveries.py" line="35"/>
        <source>text message</source>
        <translation>短信</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_deliveries.py" line="41"/>
        <source> · ✗ %1 not delivered</source>
        <translation> · ✗ %1 个未送达</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_deliveries.py" line="43"/>
        <source> · ↻ %1 retrying</source>
        <translation> · ↻ %1 个重试中</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_deliveries.py" line="50"/>
        <source>Could not read the delivery records: %1</source>
        <translation>无法读取投递记录：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_deliveries.py" line="54"/>
        <source>Delivery: nothing recorded yet. The delivery service (beacon delivery run) sends each published message to the configured webhooks, MQTT topics and SMS gateways, and records every try here.</source>
        <translation>投递：尚无记录。投递服务（beacon delivery run）会把每条已发布的消息发送到配置的 Webhook、MQTT 主题和短信网关，并在此记录每次尝试。</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_deliveries.py" line="58"/>
        <source>Delivery: %1 sent, %2 retrying, %3 failed, %4 waiting</source>
        <translation>投递：已送达 %1，重试中 %2，失败 %3，等待 %4</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_deliveries.py" line="66"/>
        <source>%1: sent at %2</source>
        <translation>%1：已于 %2 送达</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_deliveries.py" line="68"/>
        <source>%1: not delivered yet, trying again at %2. Attempt %3 failed: %4</source>
        <translation>%1：尚未送达，将于 %2 重试。第 %3 次尝试失败：%4</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_deliveries.py" line="72"/>
        <source>%1: failed, not tried again: %2</source>
        <translation>%1：失败，不再重试：%2</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_deliveries.py" line="73"/>
        <source>%1: waiting to be sent</source>
        <translation>%1：等待发送</translation>
    </message>
</context>
<context>
    <name>DispatchPanel</name>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="170"/>
        <source>Unit</source>
        <translation>力量</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="170"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="170"/>
        <source>Needed for</source>
        <translation>承担任务</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="170"/>
        <source>ETA</source>
        <translation>预计到达</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="171"/>
        <source>Reason</source>
        <translation>推荐理由</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="172"/>
        <source>Select recommended</source>
        <translation>选中推荐力量</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="173"/>
        <source>Assign the selected units to the incident (Ctrl+D)</source>
        <translation>将选中的力量调派到该事件（Ctrl+D）</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="198"/>
        <source>Select an incident in the queue to see which units to send.</source>
        <translation>在事件队列中选择一个事件，即可查看应调派的力量。</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="206"/>
        <source>call at %1</source>
        <translation>接警于 %1</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="209"/>
        <source>Assigned: %1</source>
        <translation>已调派：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="210"/>
        <source>No unit assigned yet.</source>
        <translation>尚未调派任何力量。</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="238"/>
        <source>%1 back home to %2</source>
        <translation>%1 已返回本站 %2</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="239"/>
        <source>%1 moved up to %2</source>
        <translation>%1 已前移至 %2</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="245"/>
        <source>Move-ups</source>
        <translation>前移补位</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="258"/>
        <source>Finding the nearest units…</source>
        <translation>正在查找最近的力量…</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="266"/>
        <source>Could not rank units: %1</source>
        <translation>无法排序力量：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="270"/>
        <source>Every need of this incident is covered; no unit to add.</source>
        <translation>该事件所需力量均已到位，无需增派。</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="282"/>
        <source>no available unit for %1</source>
        <translation>无可用力量承担%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="284"/>
        <source>send: nearest for %1, %2</source>
        <translation>派出：%1 最近力量，%2</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="285"/>
        <source>alternate for %1, %2</source>
        <translation>备选：%1，%2</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="324"/>
        <source>Assign %1 units</source>
        <translation>调派 %1 支力量</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="325"/>
        <source>Assign 1 unit</source>
        <translation>调派 1 支力量</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="338"/>
        <source>Nothing to assign: select an incident and units.</source>
        <translation>没有可调派的力量：请先选择事件和力量。</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="345"/>
        <source>Refused: %1</source>
        <translation>被拒绝：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/dispatch_panel.py" line="348"/>
        <source>Assigned %1 to %2</source>
        <translation>已将 %1 调派至 %2</translation>
    </message>
</context>
<context>
    <name>DrillMenu</name>
    <message>
        <location filename="../../console/drill_panel.py" line="212"/>
        <source>Open a drill scenario</source>
        <translation>打开演练脚本</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="214"/>
        <source>Drill scenarios (*.toml)</source>
        <translation>演练脚本 (*.toml)</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="221"/>
        <source>Drill scenario</source>
        <translation>演练脚本</translation>
    </message>
</context>
<context>
    <name>DrillToolBar</name>
    <message>
        <location filename="../../console/drill_panel.py" line="139"/>
        <source>The drill report could not be written: %1</source>
        <translation>无法写入演练报告：%1</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="143"/>
        <source>Drill report opened: %1</source>
        <translation>已打开演练报告：%1</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="145"/>
        <source>Drill report written to %1 (no browser to open it)</source>
        <translation>演练报告已写入 %1（没有可打开它的浏览器）</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="159"/>
        <source>Drill over at %1 · %2 calls</source>
        <translation>演练已于 %1 结束 · %2 个警情</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="161"/>
        <source>Drill time %1 of %2 · %3 calls</source>
        <translation>演练时间 %1 / %2 · %3 个警情</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="168"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="169"/>
        <source>Hold the drill&apos;s clock</source>
        <translation>暂停演练时钟</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="172"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="172"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="173"/>
        <source>Play the drill at the chosen speed</source>
        <translation>按所选速度进行演练</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="176"/>
        <source>Open report</source>
        <translation>打开报告</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="177"/>
        <source>Report so far</source>
        <translation>当前报告</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="181"/>
        <source>Drill</source>
        <translation>演练</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="182"/>
        <source>Step 1 min</source>
        <translation>前进 1 分钟</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="183"/>
        <source>Paused: move the drill on by one minute</source>
        <translation>暂停时：将演练推进一分钟</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="184"/>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="185"/>
        <source>Simulated seconds per real second</source>
        <translation>每实际秒对应的模拟秒数</translation>
    </message>
    <message>
        <location filename="../../console/drill_panel.py" line="186"/>
        <source>Write the after-action report and open it in the browser</source>
        <translation>生成演练总结报告并在浏览器中打开</translation>
    </message>
</context>
<context>
    <name>EvacuationBoard</name>
    <message>
        <location filename="../../console/panels/evacuation_board.py" line="86"/>
        <source>Evacuate the incident&apos;s cell</source>
        <translation>疏散事件所在网格</translation>
    </message>
    <message>
        <location filename="../../console/panels/evacuation_board.py" line="87"/>
        <source>Put every registered household of the selected incident&apos;s grid cell on a board for its grid workers</source>
        <translation>将选中事件所在网格内登记的每一户列入疏散看板，交由网格员逐户核查</translation>
    </message>
    <message>
        <location filename="../../console/panels/evacuation_board.py" line="91"/>
        <source>Household</source>
        <translation>住户</translation>
    </message>
    <message>
        <location filename="../../console/panels/evacuation_board.py" line="91"/>
        <source>Needs help</source>
        <translation>需协助</translation>
    </message>
    <message>
        <location filename="../../console/panels/evacuation_board.py" line="91"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../console/panels/evacuation_board.py" line="92"/>
        <source>Checked</source>
        <translation>核查结果</translation>
    </message>
    <message>
        <location filename="../../console/panels/evacuation_board.py" line="92"/>
        <source>By</source>
        <translation>核查人</translation>
    </message>
    <message>
        <location filename="../../console/panels/evacuation_board.py" line="92"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../console/panels/evacuation_board.py" line="111"/>
        <source>Select an incident with a grid cell first.</source>
        <translation>请先选择一个有网格的事件。</translation>
    </message>
    <message>
        <location filename="../../console/panels/evacuation_board.py" line="95"/>
        <location filename="../../console/panels/evacuation_board.py" line="175"/>
        <source>No evacuation under way</source>
        <translation>当前没有进行中的疏散</translation>
    </message>
    <message>
        <location filename="../../console/panels/evacuation_board.py" line="185"/>
        <source>Select an incident and evacuate its cell; the board lists every household, those with people who need help first.</source>
        <translation>选择事件并疏散其所在网格；看板列出每一户，需协助人员所在户排在最前。</translation>
    </message>
    <message>
        <location filename="../../console/panels/evacuation_board.py" line="191"/>
        <source>%1: %2 of %3 households checked · %4 with people who need help · started %5</source>
        <translation>%1：已核查 %2/%3 户 · %4 户有需协助人员 · 开始于 %5</translation>
    </message>
    <message>
        <location filename="../../console/panels/evacuation_board.py" line="201"/>
        <source>No registered households in %1: no list to tick there, knock on every door</source>
        <translation>%1 无登记住户：没有名单可勾选，请逐户敲门</translation>
    </message>
    <message>
        <location filename="../../console/panels/evacuation_board.py" line="208"/>
        <source>not yet</source>
        <translation>未核查</translation>
    </message>
</context>
<context>
    <name>IncidentActions</name>
    <message>
        <location filename="../../console/panels/incident_actions.py" line="41"/>
        <source>Incident %1</source>
        <translation>事件 %1</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_actions.py" line="46"/>
        <source>Back to the queue (release every unit)</source>
        <translation>退回待处置（释放全部力量）</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_actions.py" line="55"/>
        <source>&amp;Priority</source>
        <translation>优先级(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_actions.py" line="75"/>
        <source>Refused: %1 is %2 and cannot become %3. Allowed: %4.</source>
        <translation>被拒绝：%1 当前为“%2”，不能变为“%3”。允许的状态：%4。</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_actions.py" line="79"/>
        <location filename="../../console/panels/incident_actions.py" line="88"/>
        <source>Refused: %1</source>
        <translation>被拒绝：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_actions.py" line="81"/>
        <source>%1 is now %2</source>
        <translation>%1 现为“%2”</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_actions.py" line="90"/>
        <source>%1 is now priority %2</source>
        <translation>%1 的优先级已改为 P%2</translation>
    </message>
</context>
<context>
    <name>IncidentContextPanel</name>
    <message>
        <location filename="../../console/panels/incident_context.py" line="208"/>
        <source>Select an incident to see what the community registry knows around it.</source>
        <translation>选择一个事件，查看社区登记信息中与其相关的内容。</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="211"/>
        <source>%1 · %2 · cell %3</source>
        <translation>%1 · %2 · 网格 %3</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="214"/>
        <source>Reading the registry…</source>
        <translation>正在读取登记信息…</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="217"/>
        <source>The registry could not be read: %1</source>
        <translation>无法读取登记信息：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="223"/>
        <source>Nearest hydrants</source>
        <translation>最近的消火栓</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="224"/>
        <source>Nearest AEDs</source>
        <translation>最近的 AED</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="225"/>
        <source>Nearest shelters</source>
        <translation>最近的避难场所</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="227"/>
        <source>none in the registry</source>
        <translation>登记信息中没有</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="229"/>
        <source>Grid worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="230"/>
        <source>%1 · %2 · reach them with a message to the unit</source>
        <translation>%1 · %2 · 可向该力量发送消息联系</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="232"/>
        <source>Open reports in the cell (%1)</source>
        <translation>网格内未办结的上报事项（%1）</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="234"/>
        <location filename="../../console/panels/incident_context.py" line="240"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="235"/>
        <source>Organisations in the cell</source>
        <translation>网格内的单位组织</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="247"/>
        <source>%1 floors, %2</source>
        <translation>%1 层，%2</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="250"/>
        <source>Access: %1</source>
        <translation>通行：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="252"/>
        <source>Hazards: %1</source>
        <translation>危险源：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="254"/>
        <source>Building</source>
        <translation>建筑</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="255"/>
        <source>not in the registry</source>
        <translation>未登记</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="260"/>
        <source>Your role does not show people&apos;s data.</source>
        <translation>您的角色无权查看人员信息。</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="262"/>
        <source>People are shown only while the incident is open.</source>
        <translation>仅在事件未结期间显示人员信息。</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="263"/>
        <source>People who may need help</source>
        <translation>可能需要协助的人员</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="267"/>
        <source>at this address</source>
        <translation>在此地址</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="268"/>
        <source>elsewhere in the cell: %1</source>
        <translation>同网格其他地址：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="274"/>
        <source>not verified for a year</source>
        <translation>一年以上未核实</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="276"/>
        <source>People who may need help (%1)</source>
        <translation>可能需要协助的人员（%1）</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="277"/>
        <source>none recorded</source>
        <translation>无登记</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="288"/>
        <source>%1 (from a resident)</source>
        <translation>%1（居民上报）</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="294"/>
        <source>%1 m</source>
        <translation>%1 米</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_context.py" line="296"/>
        <source>%1 by road</source>
        <translation>车程 %1</translation>
    </message>
</context>
<context>
    <name>IncidentQueue</name>
    <message>
        <location filename="../../console/panels/incident_queue.py" line="126"/>
        <source>Open incidents</source>
        <translation>未结事件</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_queue.py" line="127"/>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_queue.py" line="130"/>
        <source>All types</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_queue.py" line="133"/>
        <source>All agencies</source>
        <translation>全部部门</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_queue.py" line="136"/>
        <source>Grid cell</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_queue.py" line="137"/>
        <source>Search address, caller, id…</source>
        <translation>搜索地址、报警人、编号…</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_queue.py" line="138"/>
        <source>Filter by status</source>
        <translation>按状态筛选</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_queue.py" line="139"/>
        <source>Filter by incident type</source>
        <translation>按事件类型筛选</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_queue.py" line="140"/>
        <source>Filter by agency</source>
        <translation>按部门筛选</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_queue.py" line="141"/>
        <source>Filter by grid cell code</source>
        <translation>按网格编号筛选</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_queue.py" line="142"/>
        <source>Search the queue</source>
        <translation>在队列中搜索</translation>
    </message>
</context>
<context>
    <name>IncidentTableModel</name>
    <message>
        <location filename="../../console/models/incident_table_model.py" line="72"/>
        <source>Incident</source>
        <translation>事件编号</translation>
    </message>
    <message>
        <location filename="../../console/models/incident_table_model.py" line="73"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../console/models/incident_table_model.py" line="74"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../console/models/incident_table_model.py" line="76"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../console/models/incident_table_model.py" line="77"/>
        <source>Grid cell</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../console/models/incident_table_model.py" line="78"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/models/incident_table_model.py" line="79"/>
        <source>Units</source>
        <translation>已派力量</translation>
    </message>
    <message>
        <location filename="../../console/models/incident_table_model.py" line="75"/>
        <source>Since call</source>
        <translation>接警计时</translation>
    </message>
    <message>
        <location filename="../../console/models/incident_table_model.py" line="151"/>
        <source>Time from the call to the first unit on scene</source>
        <translation>从接警到首支力量到场的时间</translation>
    </message>
</context>
<context>
    <name>IncidentTimeline</name>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="32"/>
        <source>Call</source>
        <translation>来电</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="33"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="34"/>
        <source>Dispatch</source>
        <translation>调度</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="35"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="36"/>
        <source>Unit</source>
        <translation>力量</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="37"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="38"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="39"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="40"/>
        <source>Erasure</source>
        <translation>删除个人信息</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="41"/>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="42"/>
        <source>The caller was given a reference code (the public page shows them the status)</source>
        <translation>已向报警人提供报告编号（可在公众服务页面查询处置进度）</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="45"/>
        <source>Snapshot</source>
        <translation>截图</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="46"/>
        <source>Camera %1 (%2), file %3</source>
        <translation>摄像头 %1（%2），文件 %3</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="47"/>
        <source>unknown caller</source>
        <translation>未知来电人</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="48"/>
        <source>no number</source>
        <translation>无号码</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="49"/>
        <source>%1, P%2, at %3. Caller %4</source>
        <translation>%1，P%2，地点 %3。来电人 %4</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="50"/>
        <source>Another call from %1</source>
        <translation>又一来电：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="51"/>
        <source>Incident %1</source>
        <translation>事件 %1</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="52"/>
        <source>released %1</source>
        <translation>释放 %1</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="53"/>
        <source>Sent %1</source>
        <translation>派出 %1</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="54"/>
        <source>incident %1</source>
        <translation>事件%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="55"/>
        <source>From %1</source>
        <translation>来自 %1</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="56"/>
        <source>To %1</source>
        <translation>发给 %1</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="57"/>
        <source>P%1 to P%2</source>
        <translation>P%1 改为 P%2</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="58"/>
        <source>Response level %1</source>
        <translation>响应级别 %1</translation>
    </message>
    <message>
        <location filename="../../console/panels/timeline_text.py" line="59"/>
        <source>Callers&apos; personal data erased: %1</source>
        <translation>来电人个人信息已删除：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="136"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="137"/>
        <source>Who</source>
        <translation>谁</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="138"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="139"/>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="161"/>
        <source>SHA-256 %1
Double-click to open the picture</source>
        <translation>SHA-256 %1
双击打开图片</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="322"/>
        <source>The record could not be read: %1</source>
        <translation>无法读取记录：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="348"/>
        <source>Open the selected snapshot&apos;s picture</source>
        <translation>打开所选截图的图片</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="349"/>
        <source>Select a snapshot in the record to open its picture</source>
        <translation>在记录中选择一条截图以打开其图片</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="369"/>
        <source>The snapshot&apos;s file name is not a plain file name: %1</source>
        <translation>截图的文件名不是普通文件名：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="375"/>
        <source>The picture %1 is not in the evidence folder (%2).</source>
        <translation>证据文件夹（%2）中没有图片 %1。</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="379"/>
        <source>The picture %1 cannot be read: %2</source>
        <translation>无法读取图片 %1：%2</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="383"/>
        <source>No program on this workstation opens pictures; the file is %1</source>
        <translation>本工作站没有能打开图片的程序；文件位于 %1</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="388"/>
        <source>Warning: %1 is not the file that was recorded (its SHA-256 differs): it has been altered.</source>
        <translation>警告：%1 不是记录时的那个文件（SHA-256 不符）：文件已被改动。</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="392"/>
        <source>Opened the snapshot %1</source>
        <translation>已打开截图 %1</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="401"/>
        <source>Select an incident first.</source>
        <translation>请先选择一个事件。</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="404"/>
        <source>Note: type the note first.</source>
        <translation>备注：请先输入备注内容。</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="408"/>
        <source>Note not added: %1</source>
        <translation>备注未添加：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="412"/>
        <source>Note added to %1</source>
        <translation>已向 %1 添加备注</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="425"/>
        <source>Select an incident to see its record.</source>
        <translation>选择一个事件以查看其记录。</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="430"/>
        <source>%1: %2 entries, newest first, times in %3</source>
        <translation>%1：%2 条记录，最新在前，时间为 %3</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="433"/>
        <source>%1: reading the record…</source>
        <translation>%1：正在读取记录…</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="434"/>
        <source>Add a note to %1 (Enter)</source>
        <translation>为 %1 添加备注（回车）</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="440"/>
        <source>Add note</source>
        <translation>添加备注</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="441"/>
        <source>Record the note on the incident (Enter)</source>
        <translation>将备注记入事件（回车）</translation>
    </message>
    <message>
        <location filename="../../console/panels/incident_timeline.py" line="442"/>
        <source>Open picture</source>
        <translation>打开图片</translation>
    </message>
</context>
<context>
    <name>IncidentType</name>
    <message>
        <location filename="../../console/vocabulary.py" line="167"/>
        <source>Structure fire</source>
        <translation>建筑火灾</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="168"/>
        <source>Vehicle fire</source>
        <translation>车辆火灾</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="169"/>
        <source>Smoke reported</source>
        <translation>发现冒烟</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="170"/>
        <source>Explosion</source>
        <translation>爆炸</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="171"/>
        <source>Gas leak</source>
        <translation>燃气泄漏</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="172"/>
        <source>Hazardous materials</source>
        <translation>危化品事故</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="173"/>
        <source>Medical emergency</source>
        <translation>急病急救</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="174"/>
        <source>Fall / injury</source>
        <translation>跌倒 / 受伤</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="175"/>
        <source>Traffic collision</source>
        <translation>交通事故</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="176"/>
        <source>Assault</source>
        <translation>殴打伤人</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="177"/>
        <source>Burglary</source>
        <translation>入室盗窃</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="178"/>
        <source>Public disturbance</source>
        <translation>扰乱公共秩序</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="179"/>
        <source>Flooding</source>
        <translation>内涝积水</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="180"/>
        <source>Building collapse</source>
        <translation>建筑坍塌</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="181"/>
        <source>Water rescue</source>
        <translation>水上救援</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="182"/>
        <source>Welfare check</source>
        <translation>上门探视</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="183"/>
        <source>Community hazard</source>
        <translation>社区隐患</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../console/main_window.py" line="75"/>
        <source>Incident queue</source>
        <translation>事件队列</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="76"/>
        <source>Resource roster</source>
        <translation>力量名册</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="77"/>
        <source>Take a call</source>
        <translation>接警</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="78"/>
        <source>Dispatch</source>
        <translation>调度</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="79"/>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="80"/>
        <source>Situation dashboard</source>
        <translation>态势看板</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="81"/>
        <source>Video wall</source>
        <translation>视频墙</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="82"/>
        <source>Playbook</source>
        <translation>预案</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="83"/>
        <source>Joint decisions</source>
        <translation>辅助决策</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="84"/>
        <source>Context</source>
        <translation>周边信息</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="85"/>
        <source>Evacuation</source>
        <translation>疏散</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="86"/>
        <source>Alarms</source>
        <translation>警报</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="87"/>
        <source>Incident record</source>
        <translation>事件记录</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="88"/>
        <source>Data sources</source>
        <translation>数据源</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="89"/>
        <source>Public notices</source>
        <translation>公共通知</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="487"/>
        <source>The hub refused this workstation: %1</source>
        <translation>枢纽拒绝了本席位的连接：%1</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="491"/>
        <source>Cannot read new events from the database (other workstations&apos; changes may be missing): %1</source>
        <translation>无法从数据库读取新事件（可能缺少其他席位的操作）：%1</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="506"/>
        <source>The translation could not be loaded.</source>
        <translation>无法加载翻译文件。</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="537"/>
        <source>Beacon: command and dispatch</source>
        <translation>Beacon 应急指挥调度</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="541"/>
        <source>&amp;Call</source>
        <translation>接警(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="541"/>
        <source>&amp;Incident</source>
        <translation>事件(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="542"/>
        <source>&amp;Unit</source>
        <translation>力量(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="542"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="543"/>
        <source>&amp;Drill</source>
        <translation>演练(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="544"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="544"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="547"/>
        <source>Panels</source>
        <translation>面板</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="548"/>
        <source>&amp;Open scenario...</source>
        <translation>打开演练脚本(&amp;O)...</translation>
    </message>
    <message>
        <location filename="../../console/main_window.py" line="549"/>
        <source>Play a drill scenario in a console of its own, on a temporary database</source>
        <translation>在单独的控制台中、使用临时数据库进行演练</translation>
    </message>
    <message>
        <location filename="../../console/command.py" line="193"/>
        <source>The drill is over.</source>
        <translation>演练已结束。</translation>
    </message>
    <message>
        <location filename="../../console/command.py" line="199"/>
        <source>The drill could not start: %1</source>
        <translation>演练无法开始：%1</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <location filename="../../console/map_view.py" line="329"/>
        <source>City map</source>
        <translation>城市地图</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="332"/>
        <source>Roads</source>
        <translation>道路</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="332"/>
        <source>Water, parks</source>
        <translation>水域、公园</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="333"/>
        <source>Cells</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="334"/>
        <source>Cell names</source>
        <translation>网格名称</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="334"/>
        <location filename="../../console/map_view.py" line="389"/>
        <source>Stations</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="335"/>
        <source>Cameras</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="336"/>
        <location filename="../../console/map_view.py" line="387"/>
        <source>Units</source>
        <translation>力量</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="336"/>
        <location filename="../../console/map_view.py" line="388"/>
        <source>Incidents</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="337"/>
        <location filename="../../console/map_view.py" line="399"/>
        <source>Sensors</source>
        <translation>传感器</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="337"/>
        <source>External warnings</source>
        <translation>外部预警</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="338"/>
        <source>Hydrants, AEDs…</source>
        <translation>消火栓、AED…</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="339"/>
        <location filename="../../console/map_view.py" line="362"/>
        <source>Reports</source>
        <translation>上报事项</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="339"/>
        <source>Notices</source>
        <translation>通知</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="342"/>
        <location filename="../../console/map_view.py" line="367"/>
        <source>Show or hide this layer</source>
        <translation>显示或隐藏此图层</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="344"/>
        <source>Whole city</source>
        <translation>全城视图</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="345"/>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="346"/>
        <source>Click the map to set the location (Esc cancels)</source>
        <translation>在地图上点击以确定事发位置（Esc 取消）</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="368"/>
        <source>Open community reports from residents: %1 (low priority, for the cells&apos; grid workers)</source>
        <translation>居民上报未办结：%1 件（非紧急，由各网格员处理）</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="390"/>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="399"/>
        <source>reporting</source>
        <translation>在报</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="400"/>
        <source>silent</source>
        <translation>静默</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="404"/>
        <source>External warning</source>
        <translation>外部预警</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="410"/>
        <source>closed road</source>
        <translation>封闭道路</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="413"/>
        <source>evacuating cell</source>
        <translation>疏散网格</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="407"/>
        <source>Public notice (headline on hover)</source>
        <translation>公共通知（悬停显示标题）</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="641"/>
        <source>Out of use</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../../console/map_view.py" line="643"/>
        <source>Double-click to show it on the video wall</source>
        <translation>双击在视频墙上显示</translation>
    </message>
</context>
<context>
    <name>NoticeForm</name>
    <message>
        <location filename="../../console/panels/notice_form.py" line="111"/>
        <source>Grid cells</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="111"/>
        <source>Event</source>
        <translation>事件类型</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="112"/>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="112"/>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="113"/>
        <source>Certainty</source>
        <translation>确定程度</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="114"/>
        <source>Holds for (hours)</source>
        <translation>有效时长（小时）</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="115"/>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="115"/>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="116"/>
        <source>Headline (%1)</source>
        <translation>标题（%1）</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="117"/>
        <source>Description (%1)</source>
        <translation>详情（%1）</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="118"/>
        <source>What to do (%1)</source>
        <translation>应对措施（%1）</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="121"/>
        <source>e.g. Flood, Gas leak</source>
        <translation>例如：内涝、燃气泄漏</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="123"/>
        <source>Immediate</source>
        <translation>立即</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="123"/>
        <source>Expected</source>
        <translation>预计（1小时内）</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="124"/>
        <source>Future</source>
        <translation>将来</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="124"/>
        <source>Past</source>
        <translation>已过去</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="125"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="125"/>
        <source>Extreme</source>
        <translation>特别严重</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="126"/>
        <source>Severe</source>
        <translation>严重</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="126"/>
        <source>Moderate</source>
        <translation>较重</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="127"/>
        <source>Minor</source>
        <translation>一般</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="127"/>
        <source>Observed</source>
        <translation>已证实</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="128"/>
        <source>Likely</source>
        <translation>很可能</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="128"/>
        <source>Possible</source>
        <translation>可能</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="129"/>
        <source>Unlikely</source>
        <translation>不太可能</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="138"/>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="139"/>
        <source>Show exactly what residents will receive</source>
        <translation>逐字显示居民将收到的内容</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="140"/>
        <source>Save as new notice</source>
        <translation>保存为新通知</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="141"/>
        <source>Save as update of selected</source>
        <translation>保存为所选通知的更新</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="142"/>
        <source>Select an incident in the queue to tick the grid cell it is in</source>
        <translation>在事件队列中选择事件，即可勾选其所在网格</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="153"/>
        <source>Tick %1 (cell of %2)</source>
        <translation>勾选 %1（%2 所在网格）</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_form.py" line="154"/>
        <source>Tick the incident&apos;s cell</source>
        <translation>勾选事件所在网格</translation>
    </message>
</context>
<context>
    <name>NoticePanel</name>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="187"/>
        <source>draft, not sent</source>
        <translation>草稿，未发布</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="188"/>
        <source>approved, not sent</source>
        <translation>已审核，未发布</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="189"/>
        <source>active</source>
        <translation>生效中</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="190"/>
        <source>active; update waiting</source>
        <translation>生效中；更新待审核</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="191"/>
        <source>active; update approved</source>
        <translation>生效中；更新已审核</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="192"/>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="193"/>
        <source>cancelled</source>
        <translation>已解除</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="197"/>
        <source>Actual (real)</source>
        <translation>实际（真实）</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="197"/>
        <source>Exercise</source>
        <translation>演练</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="198"/>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="203"/>
        <source>Public notices (newest first)</source>
        <translation>公共通知（最新在前）</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="204"/>
        <source>Approve</source>
        <translation>审核通过</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="206"/>
        <source>A second person (supervisor or commander, not the writer) approves a notice with status Actual before it goes out</source>
        <translation>状态为“实际”(Actual)的通知，须由另一人（值班主管或指挥长，非撰写人）审核通过后才能发布</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="208"/>
        <source>Publish</source>
        <translation>发布</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="209"/>
        <source>Send the selected notice to the public</source>
        <translation>向公众发布所选通知</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="210"/>
        <location filename="../../console/panels/notice_panel.py" line="462"/>
        <source>Cancel notice</source>
        <translation>解除通知</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="211"/>
        <source>Withdraw the selected notice (CAP Cancel)</source>
        <translation>撤回所选通知（CAP 解除）</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="212"/>
        <source>Edit in form</source>
        <translation>载入表单</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="213"/>
        <source>Copy the selected notice into the form to write an update</source>
        <translation>将所选通知载入右侧表单，以撰写更新</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="304"/>
        <source>%1 · %2 · %3 · %4</source>
        <translation>%1 · %2 · %3 · %4</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="325"/>
        <source>No notice selected. Fill in the form on the right, preview it, then save it; a second person approves a notice with status Actual before it is published.</source>
        <translation>未选择通知。请填写右侧表单，预览后保存；状态为“实际”(Actual)的通知须经另一人审核后才能发布。</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="333"/>
        <source>Status %1 · %2 · cells %3</source>
        <translation>状态 %1 · %2 · 网格 %3</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="336"/>
        <source>From %1 to %2</source>
        <translation>%1 至 %2</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="338"/>
        <source>Revision %1 written by %2</source>
        <translation>第 %1 版，撰写人 %2</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="341"/>
        <source>Approved by %1</source>
        <translation>审核人 %1</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="346"/>
        <source>Sent: CAP %1 at %2 (%3)</source>
        <translation>已发布：CAP %1，%2（%3）</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="354"/>
        <source>Text message</source>
        <translation>短信</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="354"/>
        <source>CAP headline</source>
        <translation>CAP 标题</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="355"/>
        <source>What residents receive</source>
        <translation>居民将收到的内容</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="358"/>
        <source> (%1 messages)</source>
        <translation>（%1 条短信）</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="397"/>
        <source>Preview only: nothing was saved or sent.</source>
        <translation>仅为预览：未保存，也未发布。</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="405"/>
        <source>%1 saved (%2): nothing sent yet.</source>
        <translation>%1 已保存（%2）：尚未发布。</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="416"/>
        <source>Update of %1 saved: approve and publish it to send it.</source>
        <translation>%1 的更新已保存：审核并发布后才会发出。</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="424"/>
        <source>%1 copied into the form: change it, then save as update.</source>
        <translation>%1 已载入表单：修改后请“保存为更新”。</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="440"/>
        <source>Select a notice first.</source>
        <translation>请先选择一条通知。</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="451"/>
        <source>%1 approved by %2.</source>
        <translation>%1 已由 %2 审核通过。</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="456"/>
        <source>%1 sent: CAP %2 (%3).</source>
        <translation>%1 已发布：CAP %2（%3）。</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="471"/>
        <source>Click again to cancel %1</source>
        <translation>再点一次以解除 %1</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="473"/>
        <source>Cancelling %1 tells residents it no longer holds. Click again to confirm.</source>
        <translation>解除 %1 将告知居民该通知不再有效。请再点一次确认。</translation>
    </message>
    <message>
        <location filename="../../console/panels/notice_panel.py" line="480"/>
        <source>%1 cancelled: residents are told it no longer holds.</source>
        <translation>%1 已解除：已告知居民该通知不再有效。</translation>
    </message>
</context>
<context>
    <name>Placeholder</name>
    <message>
        <location filename="../../console/panels/placeholder.py" line="12"/>
        <source>City map: coming</source>
        <translation>城市地图：即将上线</translation>
    </message>
    <message>
        <location filename="../../console/panels/placeholder.py" line="13"/>
        <source>The map of the city with its grid cells, incidents and units is being built in the map issue. Once it is here, clicking it while taking a call will set the call&apos;s location.</source>
        <translation>显示网格、事件和力量的城市地图正在另一任务中开发。上线后，接警时在地图上点击即可确定事发位置。</translation>
    </message>
    <message>
        <location filename="../../console/panels/placeholder.py" line="17"/>
        <source>Situation dashboard: coming</source>
        <translation>态势看板：即将上线</translation>
    </message>
    <message>
        <location filename="../../console/panels/placeholder.py" line="18"/>
        <source>Live figures (open incidents, response times, units busy) are being built in the dashboard issue.</source>
        <translation>实时数据（未结事件、响应时间、在勤力量）正在态势看板任务中开发。</translation>
    </message>
    <message>
        <location filename="../../console/panels/placeholder.py" line="21"/>
        <source>Video wall: coming</source>
        <translation>视频墙：即将上线</translation>
    </message>
    <message>
        <location filename="../../console/panels/placeholder.py" line="22"/>
        <source>Live camera tiles near the selected incident will show here; another issue builds them.</source>
        <translation>选中事件附近的实时监控画面将在此显示，由另一任务开发。</translation>
    </message>
    <message>
        <location filename="../../console/panels/placeholder.py" line="25"/>
        <source>Playbook: coming</source>
        <translation>预案：即将上线</translation>
    </message>
    <message>
        <location filename="../../console/panels/placeholder.py" line="26"/>
        <source>The contingency plan of the selected incident, with its steps and who does them, will show here; another issue builds it.</source>
        <translation>选中事件的应急预案（处置步骤及责任人）将在此显示，由另一任务开发。</translation>
    </message>
    <message>
        <location filename="../../console/panels/placeholder.py" line="30"/>
        <source>Joint decisions: coming</source>
        <translation>辅助决策：即将上线</translation>
    </message>
    <message>
        <location filename="../../console/panels/placeholder.py" line="31"/>
        <source>Proposals shared by several workstations, to approve or reject on the record, will show here; another issue builds them.</source>
        <translation>多个席位共享的决策提议（留痕批准或驳回）将在此显示，由另一任务开发。</translation>
    </message>
</context>
<context>
    <name>PlaybookPanel</name>
    <message>
        <location filename="../../console/playbook_panel.py" line="158"/>
        <source>Activate</source>
        <translation>启动</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="159"/>
        <source>Turn the selected playbook into this incident&apos;s live checklist</source>
        <translation>启动选中的预案，生成本事件的处置清单</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="161"/>
        <source>Response level:</source>
        <translation>响应级别：</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="162"/>
        <source>Change level</source>
        <translation>调整级别</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="163"/>
        <location filename="../../console/playbook_panel.py" line="208"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="164"/>
        <source>Skip</source>
        <translation>跳过</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="165"/>
        <source>Why skip this step (required)</source>
        <translation>跳过原因（必填）</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="167"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="167"/>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="168"/>
        <source>Owner</source>
        <translation>责任席位</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="168"/>
        <source>Due (%1)</source>
        <translation>时限（%1）</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="169"/>
        <source>Done by</source>
        <translation>完成人</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="172"/>
        <source>%1 playbook file(s) could not be loaded: %2</source>
        <translation>%1 个预案文件无法加载：%2</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="184"/>
        <source>Commander</source>
        <translation>指挥长</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="184"/>
        <source>Fire</source>
        <translation>消防</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="185"/>
        <source>Medical</source>
        <translation>医疗</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="185"/>
        <source>Police</source>
        <translation>公安</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="186"/>
        <source>Community / grid</source>
        <translation>社区 / 网格</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="187"/>
        <source>Public information</source>
        <translation>信息发布</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="194"/>
        <source>type %1</source>
        <translation>类型：%1</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="196"/>
        <source>priority %1</source>
        <translation>优先级 %1</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="198"/>
        <source>time of day %1</source>
        <translation>时段 %1</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="200"/>
        <source>words: %1</source>
        <translation>关键词：%1</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="202"/>
        <source>grid cell %1</source>
        <translation>网格 %1</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="210"/>
        <source>Skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="212"/>
        <source>At level %1</source>
        <translation>%1 级时启用</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="214"/>
        <source>OVERDUE</source>
        <translation>已超时</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="216"/>
        <source>Waiting</source>
        <translation>待确认</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="217"/>
        <source>Open</source>
        <translation>未结</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="270"/>
        <source>Select an incident to see the playbooks that fit it.</source>
        <translation>选择一个事件以查看适用的预案。</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="279"/>
        <source>%1 · %2: playbooks that fit, best first</source>
        <translation>%1 · %2：适用预案（按匹配度排序）</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="283"/>
        <source>%1 (why: %2)</source>
        <translation>%1（依据：%2）</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="288"/>
        <source>No playbook fits this incident.</source>
        <translation>没有适用于此事件的预案。</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="292"/>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="301"/>
        <source>This level calls for: %1</source>
        <translation>本级别所需力量：%1</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="317"/>
        <source>waits for: %1</source>
        <translation>需先完成：%1</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="320"/>
        <source>skipped: %1</source>
        <translation>已跳过：%1</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="329"/>
        <source>%1 (in %2:%3)</source>
        <translation>%1（剩余 %2:%3）</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="332"/>
        <source>%1 (%2:%3 late)</source>
        <translation>%1（已超时 %2:%3）</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="336"/>
        <source>%1 at %2</source>
        <translation>%1 于 %2</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="357"/>
        <source>%1 step(s) overdue: %2. Do them now, or skip them with a reason.</source>
        <translation>%1 个步骤已超时：%2。请立即处理，或填写原因后跳过。</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="362"/>
        <source>No step is overdue.</source>
        <translation>没有超时的步骤。</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="443"/>
        <source>Choose a playbook first.</source>
        <translation>请先选择一个预案。</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="447"/>
        <source>Playbook %1 is active.</source>
        <translation>预案“%1”已启动。</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="453"/>
        <location filename="../../console/playbook_panel.py" line="462"/>
        <source>Select a step first.</source>
        <translation>请先选择一个步骤。</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="457"/>
        <source>Step done.</source>
        <translation>步骤已完成。</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="467"/>
        <source>Step skipped.</source>
        <translation>步骤已跳过。</translation>
    </message>
    <message>
        <location filename="../../console/playbook_panel.py" line="474"/>
        <source>Level changed to %1.</source>
        <translation>响应级别已调整为 %1。</translation>
    </message>
</context>
<context>
    <name>PluginPanel</name>
    <message>
        <location filename="../../console/panels/plugin_panel.py" line="139"/>
        <source>Could not read the status of the plugins: {error}</source>
        <translation>无法读取插件状态：{error}</translation>
    </message>
    <message>
        <location filename="../../console/panels/plugin_panel.py" line="152"/>
        <source>Not switched: {reason}</source>
        <translation>未切换：{reason}</translation>
    </message>
    <message>
        <location filename="../../console/panels/plugin_panel.py" line="164"/>
        <source>Data-source plugins</source>
        <translation>数据源插件</translation>
    </message>
    <message>
        <location filename="../../console/panels/plugin_panel.py" line="168"/>
        <source>No plugins are installed. Plugins bring in sensors and other data sources; they run in the plugin host (beacon plugin run).</source>
        <translation>尚未安装插件。插件接入传感器等数据源，运行在插件宿主中（beacon plugin run）。</translation>
    </message>
    <message>
        <location filename="../../console/panels/plugin_panel.py" line="172"/>
        <source>Tick the box of a plugin to switch it on or off in every plugin host; the log records who did it.</source>
        <translation>勾选插件前的方框即可在所有插件宿主中开启或关闭它；日志会记录操作人。</translation>
    </message>
    <message>
        <location filename="../../console/panels/plugin_panel.py" line="178"/>
        <source>Plugins</source>
        <translation>插件</translation>
    </message>
    <message>
        <location filename="../../console/panels/plugin_panel.py" line="180"/>
        <source>External warnings (%1)</source>
        <translation>外部预警（%1）</translation>
    </message>
    <message>
        <location filename="../../console/panels/plugin_panel.py" line="181"/>
        <source>External warnings</source>
        <translation>外部预警</translation>
    </message>
</context>
<context>
    <name>PluginStatusModel</name>
    <message>
        <location filename="../../console/models/plugin_status_model.py" line="44"/>
        <source>On</source>
        <translation>开启</translation>
    </message>
    <message>
        <location filename="../../console/models/plugin_status_model.py" line="45"/>
        <source>Plugin</source>
        <translation>插件</translation>
    </message>
    <message>
        <location filename="../../console/models/plugin_status_model.py" line="46"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/models/plugin_status_model.py" line="47"/>
        <source>Version (API)</source>
        <translation>版本（API）</translation>
    </message>
    <message>
        <location filename="../../console/models/plugin_status_model.py" line="48"/>
        <source>Accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <location filename="../../console/models/plugin_status_model.py" line="49"/>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../console/models/plugin_status_model.py" line="50"/>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location filename="../../console/models/plugin_status_model.py" line="53"/>
        <source>starting</source>
        <translation>启动中</translation>
    </message>
    <message>
        <location filename="../../console/models/plugin_status_model.py" line="54"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../../console/models/plugin_status_model.py" line="55"/>
        <source>retrying</source>
        <translation>等待重试</translation>
    </message>
    <message>
        <location filename="../../console/models/plugin_status_model.py" line="56"/>
        <source>failed</source>
        <translation>已失败</translation>
    </message>
    <message>
        <location filename="../../console/models/plugin_status_model.py" line="57"/>
        <source>switched off</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../console/models/plugin_status_model.py" line="58"/>
        <source>not run</source>
        <translation>未运行</translation>
    </message>
    <message>
        <location filename="../../console/models/plugin_status_model.py" line="125"/>
        <source>(next try {time})</source>
        <translation>（下次重试 {time}）</translation>
    </message>
</context>
<context>
    <name>Registry</name>
    <message>
        <location filename="../../console/registry_labels.py" line="11"/>
        <source>lives alone, elderly</source>
        <translation>独居老人</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="12"/>
        <source>uses a wheelchair</source>
        <translation>使用轮椅</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="13"/>
        <source>bedridden</source>
        <translation>卧床</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="14"/>
        <source>oxygen at home</source>
        <translation>居家吸氧</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="15"/>
        <source>small children</source>
        <translation>有幼儿</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="16"/>
        <source>speaks no Chinese or English</source>
        <translation>不会中文或英文</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="20"/>
        <source>Hydrant</source>
        <translation>消火栓</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="21"/>
        <source>AED</source>
        <translation>AED</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="22"/>
        <source>Shelter</source>
        <translation>避难场所</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="23"/>
        <source>Gas valve</source>
        <translation>燃气阀门</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="24"/>
        <source>Hazardous materials store</source>
        <translation>危险品存放点</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="28"/>
        <source>School</source>
        <translation>学校</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="29"/>
        <source>Care home</source>
        <translation>养老机构</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="30"/>
        <source>Business</source>
        <translation>企业</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="31"/>
        <source>Volunteer team</source>
        <translation>志愿者队伍</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="32"/>
        <source>Organisation</source>
        <translation>单位组织</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="36"/>
        <source>Broken hydrant</source>
        <translation>消火栓损坏</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="37"/>
        <source>Blocked fire lane</source>
        <translation>消防通道堵塞</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="38"/>
        <source>Check-in needed</source>
        <translation>需上门探视</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="39"/>
        <source>Hazard</source>
        <translation>安全隐患</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="40"/>
        <source>Street light</source>
        <translation>路灯故障</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="41"/>
        <source>Report</source>
        <translation>上报事项</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="45"/>
        <source>Left the building</source>
        <translation>已撤离</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="46"/>
        <source>No one at home</source>
        <translation>无人在家</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="47"/>
        <source>Needs help to leave</source>
        <translation>需协助撤离</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="48"/>
        <source>Refused to leave</source>
        <translation>拒绝撤离</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="52"/>
        <source>concrete</source>
        <translation>钢筋混凝土</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="53"/>
        <source>brick</source>
        <translation>砖混</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="54"/>
        <source>steel</source>
        <translation>钢结构</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="55"/>
        <source>timber</source>
        <translation>木结构</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="56"/>
        <source>mixed</source>
        <translation>混合结构</translation>
    </message>
    <message>
        <location filename="../../console/registry_labels.py" line="57"/>
        <source>construction unknown</source>
        <translation>结构不明</translation>
    </message>
</context>
<context>
    <name>RegistryLayer</name>
    <message>
        <location filename="../../console/map/registry_layer.py" line="161"/>
        <source>out of service</source>
        <translation>停用</translation>
    </message>
</context>
<context>
    <name>ResourceRoster</name>
    <message>
        <location filename="../../console/panels/resource_roster.py" line="76"/>
        <source>Right-click a unit, or press Ctrl+U, to change its status</source>
        <translation>右键单击力量或按 Ctrl+U 可更改其状态</translation>
    </message>
    <message>
        <location filename="../../console/panels/resource_roster.py" line="115"/>
        <source>Change status of %1</source>
        <translation>更改 %1 的状态</translation>
    </message>
    <message>
        <location filename="../../console/panels/resource_roster.py" line="131"/>
        <source>Select a unit in the roster first.</source>
        <translation>请先在名册中选择一支力量。</translation>
    </message>
    <message>
        <location filename="../../console/panels/resource_roster.py" line="152"/>
        <source>Refused: %1 is %2 and cannot become %3. Allowed: %4.</source>
        <translation>被拒绝：%1 当前为“%2”，不能变为“%3”。允许的状态：%4。</translation>
    </message>
    <message>
        <location filename="../../console/panels/resource_roster.py" line="156"/>
        <source>Refused: %1</source>
        <translation>被拒绝：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/resource_roster.py" line="160"/>
        <source>%1 is now %2</source>
        <translation>%1 现为“%2”</translation>
    </message>
</context>
<context>
    <name>RosterModel</name>
    <message>
        <location filename="../../console/models/roster_model.py" line="58"/>
        <source>Unit</source>
        <translation>力量</translation>
    </message>
    <message>
        <location filename="../../console/models/roster_model.py" line="58"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../console/models/roster_model.py" line="59"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/models/roster_model.py" line="60"/>
        <source>In status</source>
        <translation>状态持续</translation>
    </message>
    <message>
        <location filename="../../console/models/roster_model.py" line="61"/>
        <source>Task</source>
        <translation>当前任务</translation>
    </message>
    <message>
        <location filename="../../console/models/roster_model.py" line="62"/>
        <source>ETA</source>
        <translation>预计到达</translation>
    </message>
    <message>
        <location filename="../../console/models/roster_model.py" line="63"/>
        <source>Last report</source>
        <translation>最后定位</translation>
    </message>
    <message>
        <location filename="../../console/models/roster_model.py" line="73"/>
        <source>&lt;1 min</source>
        <translation>不到 1 分钟</translation>
    </message>
    <message>
        <location filename="../../console/models/roster_model.py" line="75"/>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location filename="../../console/models/roster_model.py" line="76"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <location filename="../../console/models/roster_model.py" line="247"/>
        <source>Moved up to %1</source>
        <translation>已前置至 %1</translation>
    </message>
    <message>
        <location filename="../../console/models/roster_model.py" line="280"/>
        <source>due</source>
        <translation>应已到达</translation>
    </message>
</context>
<context>
    <name>SensorLayer</name>
    <message>
        <location filename="../../console/map/sensor_layer.py" line="122"/>
        <source>no reading</source>
        <translation>无读数</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../console/sign_in.py" line="58"/>
        <source>Beacon: sign in</source>
        <translation>Beacon 值班员登录</translation>
    </message>
    <message>
        <location filename="../../console/sign_in.py" line="59"/>
        <source>&amp;User name</source>
        <translation>用户名(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../console/sign_in.py" line="60"/>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../console/sign_in.py" line="71"/>
        <source>Too many failed sign-ins for this account: try again in %1 s.</source>
        <translation>此账号登录失败次数过多：请 %1 秒后再试。</translation>
    </message>
    <message>
        <location filename="../../console/sign_in.py" line="77"/>
        <source>Unknown user name or wrong password.</source>
        <translation>用户名不存在或密码错误。</translation>
    </message>
</context>
<context>
    <name>Splash</name>
    <message>
        <location filename="../../console/startup.py" line="53"/>
        <source>Beacon: command and dispatch</source>
        <translation>Beacon 应急指挥调度</translation>
    </message>
    <message>
        <location filename="../../console/startup.py" line="55"/>
        <source>Opening the centre… On the first run the demo city is built; this takes a few seconds.</source>
        <translation>正在打开指挥中心… 首次运行需要生成演示城市，请稍候几秒。</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../../console/status.py" line="97"/>
        <source>Operator: %1</source>
        <translation>值班员：%1</translation>
    </message>
    <message>
        <location filename="../../console/status.py" line="100"/>
        <source>hub %1: no token (BEACON_HUB_TOKEN)</source>
        <translation>枢纽 %1：缺少令牌（BEACON_HUB_TOKEN）</translation>
    </message>
    <message>
        <location filename="../../console/status.py" line="101"/>
        <source>hub %1: connecting…</source>
        <translation>枢纽 %1：正在连接…</translation>
    </message>
    <message>
        <location filename="../../console/status.py" line="102"/>
        <source>hub %1: connected</source>
        <translation>枢纽 %1：已连接</translation>
    </message>
    <message>
        <location filename="../../console/status.py" line="103"/>
        <source>hub %1: connection lost, retrying</source>
        <translation>枢纽 %1：连接中断，正在重试</translation>
    </message>
    <message>
        <location filename="../../console/status.py" line="104"/>
        <source>hub %1: refused</source>
        <translation>枢纽 %1：被拒绝</translation>
    </message>
    <message>
        <location filename="../../console/status.py" line="105"/>
        <source>hub %1: not connected</source>
        <translation>枢纽 %1：未连接</translation>
    </message>
    <message>
        <location filename="../../console/status.py" line="111"/>
        <source>The point under the mouse on the map</source>
        <translation>鼠标所指的地图位置</translation>
    </message>
    <message>
        <location filename="../../console/status.py" line="128"/>
        <source>x %1 m, y %2 m</source>
        <translation>x %1 米，y %2 米</translation>
    </message>
    <message>
        <location filename="../../console/status.py" line="99"/>
        <source>offline: no hub</source>
        <translation>离线：未连接枢纽</translation>
    </message>
    <message>
        <location filename="../../console/status.py" line="109"/>
        <source>Link to the hub that keeps workstations and field teams in sync</source>
        <translation>与枢纽的连接，用于同步各席位和外勤队伍</translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <location filename="../../console/video/tile.py" line="37"/>
        <location filename="../../console/video/tile_paint.py" line="144"/>
        <source>No camera</source>
        <translation>无摄像头</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="38"/>
        <source>Connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="39"/>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="40"/>
        <source>Stalled</source>
        <translation>卡顿</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="41"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="42"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="43"/>
        <source>Paused (not visible)</source>
        <translation>已暂停（不可见）</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="121"/>
        <source>Pinned</source>
        <translation>已固定</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="121"/>
        <source>Pin</source>
        <translation>固定</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="122"/>
        <source>Keep this camera when the selected incident changes</source>
        <translation>切换所选事件时保留此摄像头</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="124"/>
        <source>Snapshot</source>
        <translation>截图</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="126"/>
        <source>Save this frame as evidence on the selected incident</source>
        <translation>将此画面作为证据保存到所选事件</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="128"/>
        <source>Snapshots need the camera registry, which is not installed.</source>
        <translation>截图需要摄像头登记模块，但尚未安装。</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="169"/>
        <source>{state}: {reason}, retrying now</source>
        <translation>{state}：{reason}，正在重试</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="171"/>
        <source>{state}: {reason}, retrying in {seconds:.0f} s</source>
        <translation>{state}：{reason}，{seconds:.0f} 秒后重试</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="256"/>
        <source>starting the demo stream</source>
        <translation>正在启动演示视频流</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="303"/>
        <source>the stream ended</source>
        <translation>视频流已结束</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="304"/>
        <source>the stream could not be opened</source>
        <translation>无法打开视频流</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="306"/>
        <source>connection lost ({reason})</source>
        <translation>连接中断（{reason}）</translation>
    </message>
    <message>
        <location filename="../../console/video/tile.py" line="332"/>
        <source>no picture for {seconds:.0f} s</source>
        <translation>{seconds:.0f} 秒无画面</translation>
    </message>
    <message>
        <location filename="../../console/video/tile_paint.py" line="141"/>
        <source>No camera here: select an incident to show its nearest cameras</source>
        <translation>此处无摄像头：选择一个事件以显示其附近的摄像头</translation>
    </message>
    <message>
        <location filename="../../console/video/tile_paint.py" line="185"/>
        <source>last frame {age} ago</source>
        <translation>最后一帧在 {age} 前</translation>
    </message>
</context>
<context>
    <name>VideoWall</name>
    <message>
        <location filename="../../console/video_wall.py" line="125"/>
        <source>&amp;Tiles:</source>
        <translation>画面数(&amp;T)：</translation>
    </message>
    <message>
        <location filename="../../console/video_wall.py" line="131"/>
        <source>{n} ({side}×{side})</source>
        <translation>{n} 个画面（{side}×{side}）</translation>
    </message>
    <message>
        <location filename="../../console/video_wall.py" line="135"/>
        <source>How many camera tiles the wall shows</source>
        <translation>视频墙显示的画面数量</translation>
    </message>
    <message>
        <location filename="../../console/video_wall.py" line="150"/>
        <source>No cameras are registered for this centre. Add them with &apos;beacon camera add&apos;.</source>
        <translation>本中心尚未登记摄像头。请用 &apos;beacon camera add&apos; 添加。</translation>
    </message>
    <message>
        <location filename="../../console/video_wall.py" line="154"/>
        <source>{n} cameras within {radius} of {incident}</source>
        <translation>{incident} 周边 {radius} 内有 {n} 个摄像头</translation>
    </message>
    <message>
        <location filename="../../console/video_wall.py" line="157"/>
        <source>{n} cameras. Select an incident to see the cameras nearest it.</source>
        <translation>共 {n} 个摄像头。选择一个事件以查看其最近的摄像头。</translation>
    </message>
    <message>
        <location filename="../../console/video_wall.py" line="230"/>
        <source>{distance} from {incident}</source>
        <translation>距 {incident} {distance}</translation>
    </message>
    <message>
        <location filename="../../console/video_wall.py" line="273"/>
        <source>no demo stream for this camera</source>
        <translation>此摄像头没有演示视频流</translation>
    </message>
    <message>
        <location filename="../../console/video_wall.py" line="296"/>
        <source>Starting the demo camera streams…</source>
        <translation>正在启动演示摄像头视频流…</translation>
    </message>
    <message>
        <location filename="../../console/video_wall.py" line="304"/>
        <source>Demo streams: {note}</source>
        <translation>演示视频流：{note}</translation>
    </message>
    <message>
        <location filename="../../console/video_wall.py" line="322"/>
        <source>No picture to save yet.</source>
        <translation>尚无可保存的画面。</translation>
    </message>
    <message>
        <location filename="../../console/video_wall.py" line="326"/>
        <source>Select an incident first: a snapshot is saved as evidence on an incident.</source>
        <translation>请先选择一个事件：截图将作为证据保存到事件上。</translation>
    </message>
    <message>
        <location filename="../../console/video_wall.py" line="330"/>
        <source>Snapshots need the camera registry, which is not installed.</source>
        <translation>截图需要摄像头登记模块，但尚未安装。</translation>
    </message>
    <message>
        <location filename="../../console/video_wall.py" line="356"/>
        <source>Snapshot of {camera} saved as {file} (SHA-256 {sha}…)</source>
        <translation>{camera} 的截图已保存为 {file}（SHA-256 {sha}…）</translation>
    </message>
    <message>
        <location filename="../../console/video_wall.py" line="360"/>
        <source>The snapshot was not saved: {reason}</source>
        <translation>截图未保存：{reason}</translation>
    </message>
</context>
<context>
    <name>Vocabulary</name>
    <message>
        <location filename="../../console/vocabulary.py" line="18"/>
        <source>Structure fire</source>
        <translation>建筑火灾</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="19"/>
        <source>Vehicle fire</source>
        <translation>车辆火灾</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="20"/>
        <source>Smoke reported</source>
        <translation>发现冒烟</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="21"/>
        <source>Explosion</source>
        <translation>爆炸</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="22"/>
        <source>Gas leak</source>
        <translation>燃气泄漏</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="23"/>
        <source>Hazardous materials</source>
        <translation>危化品事故</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="24"/>
        <source>Medical emergency</source>
        <translation>急病急救</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="25"/>
        <source>Fall / injury</source>
        <translation>跌倒 / 受伤</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="26"/>
        <source>Traffic collision</source>
        <translation>交通事故</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="27"/>
        <source>Assault</source>
        <translation>殴打伤人</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="28"/>
        <source>Burglary</source>
        <translation>入室盗窃</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="29"/>
        <source>Public disturbance</source>
        <translation>扰乱公共秩序</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="30"/>
        <source>Flooding</source>
        <translation>内涝积水</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="31"/>
        <source>Building collapse</source>
        <translation>建筑坍塌</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="32"/>
        <source>Water rescue</source>
        <translation>水上救援</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="33"/>
        <source>Welfare check</source>
        <translation>上门探视</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="34"/>
        <source>Community hazard</source>
        <translation>社区隐患</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="38"/>
        <source>New</source>
        <translation>待处置</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="39"/>
        <location filename="../../console/vocabulary.py" line="48"/>
        <source>Dispatched</source>
        <translation>已调派</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="40"/>
        <location filename="../../console/vocabulary.py" line="50"/>
        <source>On scene</source>
        <translation>已到场</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="41"/>
        <source>Resolved</source>
        <translation>已处置</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="42"/>
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="43"/>
        <source>Cancelled</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="47"/>
        <source>Available</source>
        <translation>待命</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="49"/>
        <source>En route</source>
        <translation>途中</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="51"/>
        <source>Transporting</source>
        <translation>转运中</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="52"/>
        <source>Out of service</source>
        <translation>停勤</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="56"/>
        <source>Fire engine</source>
        <translation>消防车</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="57"/>
        <source>Ladder truck</source>
        <translation>云梯车</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="58"/>
        <source>Ambulance</source>
        <translation>救护车</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="59"/>
        <source>Police car</source>
        <translation>警车</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="60"/>
        <source>Rescue team</source>
        <translation>救援队</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="61"/>
        <source>Hazmat unit</source>
        <translation>危化品处置车</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="62"/>
        <source>Grid worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="63"/>
        <source>Volunteer team</source>
        <translation>志愿者队伍</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="67"/>
        <source>Fire and rescue</source>
        <translation>消防救援</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="68"/>
        <source>Emergency medical</source>
        <translation>医疗急救</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="69"/>
        <source>Police</source>
        <translation>公安</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="70"/>
        <source>Rescue</source>
        <translation>专业救援</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="71"/>
        <source>Community and grid</source>
        <translation>社区网格</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="75"/>
        <source>firefighting</source>
        <translation>灭火</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="76"/>
        <source>aerial ladder</source>
        <translation>登高</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="77"/>
        <source>medical care</source>
        <translation>医疗救护</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="78"/>
        <source>policing</source>
        <translation>治安处置</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="79"/>
        <source>technical rescue</source>
        <translation>抢险救援</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="80"/>
        <source>hazardous materials</source>
        <translation>危化品处置</translation>
    </message>
    <message>
        <location filename="../../console/vocabulary.py" line="81"/>
        <source>community support</source>
        <translation>社区协助</translation>
    </message>
</context>
<context>
    <name>WarningLayer</name>
    <message>
        <location filename="../../console/map/warning_layer.py" line="28"/>
        <source>no end given</source>
        <translation>未给出结束时间</translation>
    </message>
    <message>
        <location filename="../../console/map/warning_layer.py" line="32"/>
        <source>until %1</source>
        <translation>有效至 %1</translation>
    </message>
</context>
<context>
    <name>WarningList</name>
    <message>
        <location filename="../../console/panels/warning_list.py" line="49"/>
        <source>no end given</source>
        <translation>未给出结束时间</translation>
    </message>
    <message>
        <location filename="../../console/panels/warning_list.py" line="59"/>
        <source>Could not read the warnings: %1</source>
        <translation>无法读取预警：%1</translation>
    </message>
    <message>
        <location filename="../../console/panels/warning_list.py" line="62"/>
        <source>No external warning is in force for the city. Warnings come from an alert feed plugin (cap_feed).</source>
        <translation>本市当前没有生效的外部预警。预警来自预警源插件（cap_feed）。</translation>
    </message>
    <message>
        <location filename="../../console/panels/warning_list.py" line="65"/>
        <source>Warnings from outside services that touch the city; each disappears when it expires. They are also drawn on the map (layer &quot;External warnings&quot;).</source>
        <translation>来自外部机构、涉及本市的预警；到期后自动消失。预警区域也画在地图上（“外部预警”图层）。</translation>
    </message>
    <message>
        <location filename="../../console/panels/warning_list.py" line="71"/>
        <source>Until</source>
        <translation>有效至</translation>
    </message>
    <message>
        <location filename="../../console/panels/warning_list.py" line="71"/>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../../console/panels/warning_list.py" line="71"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../console/panels/warning_list.py" line="72"/>
        <source>Headline</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../console/panels/warning_list.py" line="72"/>
        <source>Areas</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../console/panels/warning_list.py" line="73"/>
        <source>External warnings</source>
        <translation>外部预警</translation>
    </message>
</context>
</TS>
