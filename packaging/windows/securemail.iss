; Inno Setup 6 script: a per-machine installer for the PyInstaller one-folder bundle (dist\bundle\securemail).
; Build on Windows (docs/build-windows.md):  "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" packaging\windows\securemail.iss
; Output: dist\securemail-<version>-windows-x64-setup.exe. The version comes from /DAppVersion=... or the default.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "SecureMail"
#define BundleDir "..\..\dist\bundle\securemail"

[Setup]
AppId={{6C9E5B1E-3B7A-4C55-9E1F-5A0D2F4B8C11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=SecureMail team
AppVerName={#AppName} {#AppVersion}
DefaultDirName={autopf}\SecureMail
DefaultGroupName=SecureMail
DisableProgramGroupPage=yes
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=securemail-{#AppVersion}-windows-x64-setup
SetupIconFile=securemail.ico
UninstallDisplayIcon={app}\securemail.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Vaults live in each user's AppData (or where --vault points): the uninstaller never touches them.

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
; Vietnamese ships with Inno Setup as an unofficial translation: copy Vietnamese.isl into Languages\ first.
Name: "vietnamese"; MessagesFile: "compiler:Languages\Vietnamese.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\SecureMail"; Filename: "{app}\securemail.exe"
Name: "{group}\SecureMail self-test"; Filename: "{cmd}"; Parameters: "/k ""{app}\securemail-cli.exe"" selftest"
Name: "{group}\{cm:UninstallProgram,SecureMail}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\SecureMail"; Filename: "{app}\securemail.exe"; Tasks: desktopicon

[Registry]
; securemail-cli on the PATH of every user (per-machine install only).
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; \
  ValueName: "Path"; ValueData: "{olddata};{app}"; Check: NeedsAddPath(ExpandConstant('{app}')) and IsAdminInstallMode

[Run]
Filename: "{app}\securemail-cli.exe"; Parameters: "selftest"; StatusMsg: "SecureMail self-test..."; \
  Flags: runhidden waituntilterminated
Filename: "{app}\securemail.exe"; Description: "{cm:LaunchProgram,SecureMail}"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Paths: string;
begin
  if not RegQueryStringValue(HKLM, 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Paths)
  then begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;
